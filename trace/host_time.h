/*
 * Where the host's time goes (--stats "host_time", doc/trace.md "Host
 * time"): translating guest code, executing it, system calls, the TLB model.
 * Cheap by construction: the clock is read only around system calls and
 * block translations (both rare next to instructions) and around one call
 * in VM_TLB_SAMPLE of the paged address space's slow path (the TLB model:
 * lookups, policy, walks, fills; mem/mem.c), the rest is derived.
 */
#ifndef VMLAB_HOST_TIME_H
#define VMLAB_HOST_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* A sampled slow-path call longer than this was preempted: not counted. */
#define VM_HOST_SAMPLE_MAX_NS 50000u

/* CLOCK_MONOTONIC in ns (vDSO: ~65 ns per read on the development VM). */
static inline uint64_t vm_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The machine's part (core/machine.c, run loop): system calls timed, and the
 * TLB-model calls made inside them (the kernel layer's guest accesses), so
 * that their estimated time is not counted twice. */
typedef struct vm_host_time {
    uint64_t sys_ns, nsys, sys_tlb_calls;
} vm_host_time;

struct vm_machine;
struct vm_mem;
struct vm_mem_fault;
/* Slow-path calls so far (paged: the TLB model's calls; 0 in bare mode). */
uint64_t vm_host_tlb_calls(const struct vm_mem *mem);
/* vm_mem_access_slow, timed (mem.c calls it for one call in VM_TLB_SAMPLE). */
void *vm_host_time_slow(struct vm_mem *m, uint64_t va, int acc, struct vm_mem_fault *f);
/* "host_time": {...} for --stats=FILE; the same as text (vmsh --stats). */
int vm_host_time_json(struct vm_machine *m, char *buf, size_t size);
void vm_host_time_print(struct vm_machine *m, FILE *f);

#endif
