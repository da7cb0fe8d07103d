// Both cores at once, each thread on its own rows of [m, 256]·[256, 1024] (as the layer's batch
// groups run): total GFLOP/s of OpenBLAS's sgemm and of the panel kernel (Sources/StepProduct).
// Not part of the package build; from the repository's root:
//   clang -O2 -ISources/StepProduct/include Benchmarks/StepProduct/threads.c Sources/StepProduct/StepProduct.c -lopenblas -lpthread -o /tmp/threads
//   OPENBLAS_CORETYPE=Haswell /tmp/threads

#include "StepProduct.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static long K=256,N=1024; static int M=32, OURS=0, REPS=3000;
static float *w,*pk;
static void *run(void*arg){float *a=malloc(4*64*K),*c=malloc(4*64*N);for(long i=0;i<64*K;i++)a[i]=0.01f*(i%7);for(long i=0;i<64*N;i++)c[i]=0;
 for(int r=0;r<REPS;r++){ if(OURS) step_product(M,N,K,a,K,pk,1,c,N); else cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,M,N,K,1,a,K,w,N,1,c,N);} return 0;}
int main(int argc,char**argv){openblas_set_num_threads(1);
 w=malloc(4*K*N);for(long i=0;i<K*N;i++)w[i]=0.001f*(i%13);pk=malloc(4*step_packed_count(K,N));step_pack(w,N,1,K,N,pk);
 int ms[]={32,16,8,4};
 for(int mi=0;mi<4;mi++){M=ms[mi];
 for(int threads=1;threads<=2;threads++)for(OURS=0;OURS<2;OURS++){pthread_t t[2];double t0=now();for(int i=0;i<threads;i++)pthread_create(&t[i],0,run,0);for(int i=0;i<threads;i++)pthread_join(t[i],0);double dt=now()-t0;
  printf("m%2d threads %d %s: %.1f GFLOP/s total\n",M,threads,OURS?"ours":"blas",2.0*M*N*K*REPS*threads/dt/1e9);}}
}
