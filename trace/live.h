/* vmtrace live (trace/live.c): built when configure finds libbpf and a clang
 * that targets BPF (--disable-bpf turns it off). */
#ifndef VMLAB_TRACE_LIVE_H
#define VMLAB_TRACE_LIVE_H

/* Attach to pid's vmlab USDT probes matching pat (NULL: all) and print the
 * counts every `interval` seconds, `rounds` times (<= 0: until the process
 * exits or SIGINT), then the totals ("total EVENT N" lines). Returns the
 * exit status: 0, 1 (cannot attach), 2 (bad pattern). */
int vm_trace_live(int pid, const char *pat, double interval, long rounds, int verbose);

#endif
