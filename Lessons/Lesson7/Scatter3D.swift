// A 3-D scatter of labelled points through gnuplot's `splot` (the course's Chart draws 2-D
// charts only): the words' first three principal components, seen from an angle.

import Foundation
import Gnuplot

/// Draws points (x, y, z) with their labels into a PNG at `path`; false when gnuplot is missing.
@discardableResult
func writeScatter3D(points: [(x: Double, y: Double, z: Double)], labels: [String], groups: [Int], groupNames: [String],
                    colours: [String], title: String, axes: [String], to path: String) throws -> Bool {
    guard Gnuplot.isAvailable else { return false }
    func quoted(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") }
    var script = [
        "set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,10'",
        "set output '\(quoted(path))'",
        "set title '\(quoted(title))'",
        "set xlabel '\(quoted(axes[0]))'", "set ylabel '\(quoted(axes[1]))'", "set zlabel '\(quoted(axes[2]))' rotate parallel",
        "set view 60, 35", "set ticslevel 0", "set grid", "set key top left box opaque",
    ]
    var plots: [String] = []
    for (g, name) in groupNames.enumerated() {
        let rows = points.indices.filter { groups[$0] == g }.map {
            "\(points[$0].x) \(points[$0].y) \(points[$0].z) \"\(labels[$0].replacingOccurrences(of: "\"", with: ""))\""
        }
        guard !rows.isEmpty else { continue }
        script.append("$g\(g) << EOD\n" + rows.joined(separator: "\n") + "\nEOD")
        let colour = "rgb '\(colours[g % colours.count])'"
        plots.append("$g\(g) using 1:2:3 with points pt 7 ps 1 lc \(colour) title '\(quoted(name))'")
        plots.append("$g\(g) using 1:2:3:4 with labels offset 0.8,0.5 font ',8' tc \(colour) notitle")
    }
    guard !plots.isEmpty else { return false }
    script.append("splot " + plots.joined(separator: ", \\\n      "))
    script.append("unset output")
    _ = try Gnuplot.run(script: script.joined(separator: "\n") + "\n")
    return true
}
