/*
 * vmtrace live's BPF side (trace/live.c loads it): one program attached to
 * every vmlab USDT probe wanted, each attachment with its event id as the
 * USDT cookie; it counts probe hits per event id in an array map that
 * vmtrace reads every interval. Built with clang -target bpf at build time
 * (configure --disable-bpf turns it off); needs only libbpf's headers.
 */
#include <stdbool.h>

#include <linux/bpf.h>
#include <linux/ptrace.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#define MAX_EVENTS 64 /* the enabled set is one uint64_t: at most 64 events */

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, MAX_EVENTS);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

SEC("usdt")
int vmlab_count(struct pt_regs *ctx)
{
    __u32 id = (__u32)bpf_usdt_cookie(ctx);
    __u64 *n = bpf_map_lookup_elem(&counts, &id);
    if (n) __sync_fetch_and_add(n, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
