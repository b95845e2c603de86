/*
 * Unit tests of the tracer: patterns, subscriptions, counts, the trace file
 * written and read back field by field, and what a truncated file does. The
 * end-to-end tests on a guest program are in tests/trace/run-trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/tracefile.h"
#include "vmlab/gc.h"
#include "vmlab/trace.h"

static void test_patterns(void **state)
{
    uint64_t m;
    vm_error err;
    assert_int_equal(vm_trace_parse("tlb_miss,syscall*", &m, &err), 0);
    assert_int_equal(m, (1ull << VM_TEV_tlb_miss) | (1ull << VM_TEV_syscall_enter) |
                            (1ull << VM_TEV_syscall_exit));
    assert_int_equal(vm_trace_parse("*,-syscall_exit", &m, &err), 0);
    assert_false(m & (1ull << VM_TEV_syscall_exit));
    assert_true(m & (1ull << VM_TEV_insn));
    assert_int_equal(vm_trace_parse("all", &m, &err), 0);
    assert_int_equal(__builtin_popcountll(m), VM_TEV_COUNT);
    assert_int_equal(vm_trace_parse("", &m, &err), 0);
    assert_int_equal(m, 0);
    assert_int_equal(vm_trace_parse("tlb_mis", &m, &err), -1);
    assert_int_equal(err.code, VM_EINVAL);
    assert_non_null(strstr(err.msg, "tlb_mis"));
    assert_int_equal(vm_trace_find("gc_phase"), VM_TEV_gc_phase);
    assert_int_equal(vm_trace_find("nope"), -1);
    /* the table: every event named, fields typed */
    for (int e = 0; e < VM_TEV_COUNT; e++) {
        const vm_trace_info *in = vm_trace_info_of(e);
        assert_non_null(in);
        assert_int_equal(vm_trace_find(in->name), e);
        assert_true(in->nfields >= 1 && in->nfields <= VM_TF_MAXFIELDS);
    }
    assert_null(vm_trace_info_of(VM_TEV_COUNT));
    assert_true(vm_trace_info_of(VM_TEV_insn)->flags & VM_TEVF_FINE);
    assert_false(vm_trace_info_of(VM_TEV_tlb_miss)->flags & VM_TEVF_FINE);
}

struct seen {
    int n;
    int ev[16];
    uint64_t nr;
    char name[32];
    int64_t ret;
};

static void cb(void *ud, int ev, const vm_trace_val *v)
{
    struct seen *s = ud;
    if (s->n < 16) s->ev[s->n] = ev;
    s->n++;
    if (ev == VM_TEV_syscall_exit) {
        s->nr = v[0].u;
        snprintf(s->name, sizeof s->name, "%s", v[1].s);
        s->ret = v[2].i;
    }
}

static void test_subscribe(void **state)
{
    vm_error err;
    vm_tracer *t = vm_tracer_new(&err);
    assert_non_null(t);
    /* nothing enabled: the call sites' test is false, nothing counted */
    assert_false(VM_TRACE_ON(t, syscall_exit));
    vm_tracer *none = NULL;
    assert_false(VM_TRACE_ON(none, syscall_exit));
    VM_TRACE(none, syscall_exit, 1, "x", 2); /* NULL tracer: nothing */
    struct seen s = {0};
    int id = vm_tracer_subscribe(t, "syscall_exit,gc_*", cb, &s, &err);
    assert_true(id >= 0);
    assert_true(VM_TRACE_ON(t, syscall_exit));
    assert_false(VM_TRACE_ON(t, syscall_enter));
    VM_TRACE(t, syscall_enter, 64, "write", 1, 2, 3, 4, 5, 6); /* not enabled */
    VM_TRACE(t, syscall_exit, 64, "write", -9);
    VM_TRACE(t, gc_start, "minor", 4096);
    VM_TRACE(t, syscall_exit, 999, NULL, 0); /* unknown name: "" */
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ev[0], VM_TEV_syscall_exit);
    assert_int_equal(s.ev[1], VM_TEV_gc_start);
    assert_int_equal(s.nr, 999);
    assert_string_equal(s.name, "");
    assert_int_equal(vm_tracer_count(t, VM_TEV_syscall_exit), 2);
    assert_int_equal(vm_tracer_count(t, VM_TEV_syscall_enter), 0);
    vm_tracer_unsubscribe(t, id);
    assert_false(VM_TRACE_ON(t, syscall_exit));
    VM_TRACE(t, syscall_exit, 64, "write", 1);
    assert_int_equal(s.n, 3);
    assert_int_equal(vm_tracer_subscribe(t, "bogus", cb, &s, &err), -1);
    vm_tracer_free(t);
}

static void test_file_roundtrip(void **state)
{
    char path[] = "/tmp/vmlab-trace-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    vm_error err;
    vm_tracer *t = vm_tracer_new(&err);
    assert_int_equal(vm_tracer_enable(t, "syscall*,tlb_miss,insn", &err), 0);
    assert_int_equal(vm_tracer_open_file(t, path, &err), 0);
    for (uint64_t i = 0; i < 1000; i++) VM_TRACE(t, insn, 0x10000 + 4 * i, 0x13 + i, i);
    VM_TRACE(t, syscall_enter, 94, "exit_group", 3, 0, 0, 0, 0, UINT64_MAX);
    VM_TRACE(t, syscall_exit, 94, "exit_group", INT64_MIN);
    VM_TRACE(t, tlb_miss, 1, 0x3ffffff, 0);
    VM_TRACE(t, tlb_flush, 0, 0, -1); /* not enabled */
    assert_int_equal(vm_tracer_close_file(t, &err), 0);
    vm_tracer_free(t);

    vm_tfr r;
    assert_int_equal(vm_tfr_open(&r, path, &err), 0);
    assert_string_equal(r.ev[VM_TEV_syscall_enter].name, "syscall_enter");
    assert_int_equal(r.ev[VM_TEV_syscall_enter].nfields, 8);
    vm_tf_rec rec;
    uint64_t last_ts = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        assert_int_equal(vm_tfr_next(&r, &rec, &err), 1);
        assert_int_equal(rec.ev, VM_TEV_insn);
        assert_int_equal(rec.v[0].u, 0x10000 + 4 * i);
        assert_int_equal(rec.v[1].u, 0x13 + i);
        assert_int_equal(rec.v[2].u, i);
        assert_true(rec.ts >= last_ts);
        last_ts = rec.ts;
    }
    assert_int_equal(vm_tfr_next(&r, &rec, &err), 1);
    assert_int_equal(rec.ev, VM_TEV_syscall_enter);
    assert_string_equal(rec.v[1].s, "exit_group");
    assert_int_equal(rec.v[2].u, 3);
    assert_int_equal(rec.v[7].u, UINT64_MAX);
    assert_int_equal(vm_tfr_next(&r, &rec, &err), 1);
    assert_int_equal(rec.ev, VM_TEV_syscall_exit);
    assert_int_equal(rec.v[2].i, INT64_MIN);
    assert_int_equal(vm_tfr_next(&r, &rec, &err), 1);
    assert_int_equal(rec.ev, VM_TEV_tlb_miss);
    assert_int_equal(rec.v[1].u, 0x3ffffff);
    assert_int_equal(vm_tfr_next(&r, &rec, &err), 0);
    vm_tfr_close(&r);

    /* cut the file in the middle of a record: an error, not a crash */
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    assert_int_equal(truncate(path, len - 3), 0);
    assert_int_equal(vm_tfr_open(&r, path, &err), 0);
    int k;
    while ((k = vm_tfr_next(&r, &rec, &err)) == 1) {}
    assert_int_equal(k, -1);
    assert_non_null(strstr(err.msg, "truncated"));
    vm_tfr_close(&r);
    /* not a trace file */
    f = fopen(path, "wb");
    fputs("hello", f);
    fclose(f);
    assert_int_equal(vm_tfr_open(&r, path, &err), -1);
    assert_int_equal(err.code, VM_EINVAL);
    unlink(path);
    assert_int_equal(vm_tfr_open(&r, path, &err), -1);
    assert_int_equal(err.code, VM_EIO);
}

/* GC heap events through vm_tracer_attach_gc: one start and one end per
 * collection, in that order; detaching stops them. */
static void test_gc_events(void **state)
{
    vm_error err;
    vm_gc_heap *h = vm_gc_heap_new(NULL, &err);
    assert_non_null(h);
    vm_tracer *t = vm_tracer_new(&err);
    struct seen s = {0};
    assert_true(vm_tracer_subscribe(t, "gc_start,gc_end", cb, &s, &err) >= 0);
    vm_tracer_attach_gc(t, h);
    assert_int_equal(vm_gc_collect(h, 1, &err), 0);
    assert_int_equal(vm_gc_collect(h, 0, &err), 0);
    assert_int_equal(vm_tracer_count(t, VM_TEV_gc_start), 2);
    assert_int_equal(vm_tracer_count(t, VM_TEV_gc_end), 2);
    assert_int_equal(s.ev[0], VM_TEV_gc_start);
    assert_int_equal(s.ev[1], VM_TEV_gc_end);
    vm_tracer_attach_gc(NULL, h);
    assert_int_equal(vm_gc_collect(h, 1, &err), 0);
    assert_int_equal(vm_tracer_count(t, VM_TEV_gc_start), 2);
    vm_gc_heap_free(h);
    vm_tracer_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_subscribe),
        cmocka_unit_test(test_file_roundtrip),
        cmocka_unit_test(test_gc_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
