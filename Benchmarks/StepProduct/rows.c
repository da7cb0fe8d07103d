// One thread: OpenBLAS's sgemm against the panel kernel (Sources/StepProduct) on the layer's step
// products, for 64 down to 1 rows, with the largest difference between the two results.
// Not part of the package build; from the repository's root:
//   clang -O2 -ISources/StepProduct/include Benchmarks/StepProduct/rows.c Sources/StepProduct/StepProduct.c -lopenblas -lm -o /tmp/rows
//   OPENBLAS_CORETYPE=Haswell /tmp/rows

#include "StepProduct.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  openblas_set_num_threads(1);
  int ms[]={64,32,17,8,3,1};
  long shapes[][2]={{256,1024},{1024,256},{128,512},{512,128}};
  for(int s=0;s<4;s++){
    long k=shapes[s][0],n=shapes[s][1];
    float *w=malloc(sizeof(float)*k*n),*a=malloc(sizeof(float)*64*k),*c1=malloc(sizeof(float)*64*n),*c2=malloc(sizeof(float)*64*n);
    float *pk=malloc(sizeof(float)*step_packed_count(k,n));
    for(long i=0;i<k*n;i++)w[i]=(rand()/(float)RAND_MAX)-0.5f;
    for(long i=0;i<64*k;i++)a[i]=(rand()/(float)RAND_MAX)-0.5f;
    step_pack(w,n,1,k,n,pk);
    for(int mi=0;mi<6;mi++){int m=ms[mi];
      for(long i=0;i<m*n;i++){c1[i]=c2[i]=0.25f;}
      cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,m,n,k,1,a,k,w,n,1,c1,n);
      step_product(m,n,k,a,k,pk,1,c2,n);
      double err=0;for(long i=0;i<m*n;i++){double e=fabs(c1[i]-c2[i]);if(e>err)err=e;}
      int reps=(int)(2e9/(2.0*m*n*k));
      double t0=now();for(int r=0;r<reps;r++)cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,m,n,k,1,a,k,w,n,1,c1,n);double t1=now();
      for(int r=0;r<reps;r++)step_product(m,n,k,a,k,pk,1,c2,n);double t2=now();
      double fl=2.0*m*n*k*reps;
      printf("k%5ld n%5ld m%3d  blas %6.1f  ours %6.1f GFLOP/s  maxdiff %.2g\n",k,n,m,fl/(t1-t0)/1e9,fl/(t2-t1)/1e9,err);
    }
  }
  return 0;
}
