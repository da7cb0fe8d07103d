// Section titles and table cells, the same in every walkthrough.
//
// A walkthrough's sections follow its lesson's README: numbered in the order they run, each
// saying which README section it illustrates when the numbers differ.

/// Prints a blank line, `title`, and a rule under it as long as the title.
public func heading(_ title: String) {
    print("\n" + title + "\n" + String(repeating: "=", count: title.count))
}

/// `text` padded with spaces to `width` characters: on the right, or on the left when `right`
/// (right-aligned, for numbers).
public func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}

/// A number right-aligned in `width` characters.
public func pad(_ n: Int, _ width: Int) -> String { pad(String(n), width, right: true) }

/// A table row: two spaces, `name` padded to `nameWidth`, then each cell right-aligned in `width`.
public func tableRow(_ name: String, _ nameWidth: Int, _ cells: [String], width: Int = 10) -> String {
    "  " + pad(name, nameWidth) + cells.map { pad($0, width, right: true) }.joined()
}
