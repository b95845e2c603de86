/*
 * The tracer: the event table generated from vmlab/trace_events.def, pattern
 * matching, subscriptions, and the dispatch from one event to its sinks (text,
 * trace file, LTTng) and callbacks.
 *
 * Cost model: call sites test one bit (VM_TRACE_ON) and call the generated
 * vm_trace_<event>() out of line only when it is set; that function packs
 * its arguments into an array of values and calls vm_trace_emit(), which is
 * where every backend is served. An enabled event therefore costs a call, a
 * loop over the subscriptions and the sinks' own work (a clock read and a
 * few bytes of varints for the file; see doc/trace.md for measured numbers).
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace/trace_priv.h"

/* {==== the event table (generated) ===================================== */

#define F(type, name) {#name, VM_TRT_##type},
#define EV(name, flags, doc, fields) static const vm_trace_field fields_##name[] = {fields {NULL, 0}};
#include "vmlab/trace_events.def"
#undef EV
#undef F

static const vm_trace_info events[VM_TEV_COUNT] = {
#define EV(name, flags, doc, fields) \
    {#name, doc, VM_TEVF_##flags, (int)(sizeof fields_##name / sizeof fields_##name[0]) - 1, fields_##name},
#include "vmlab/trace_events.def"
#undef EV
};

_Static_assert(VM_TEV_COUNT <= 64, "the enabled set is one uint64_t: at most 64 events");

const uint64_t vm_trace_fine_mask = 0
#define EV(name, flags, doc, fields) | ((VM_TEVF_##flags & VM_TEVF_FINE) ? 1ull << VM_TEV_##name : 0)
#include "vmlab/trace_events.def"
#undef EV
    ;

const vm_trace_info *vm_trace_info_of(int ev)
{
    return ev >= 0 && ev < VM_TEV_COUNT ? &events[ev] : NULL;
}

int vm_trace_find(const char *name)
{
    for (int i = 0; i < VM_TEV_COUNT; i++)
        if (!strcmp(events[i].name, name)) return i;
    return -1;
}

int vm_trace_parse(const char *patterns, uint64_t *mask, vm_error *err)
{
    uint64_t m = 0;
    const char *p = patterns ? patterns : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        char pat[128];
        if (len == 0 || len >= sizeof pat) {
            if (len) return vm_error_set(err, VM_EINVAL, "trace pattern too long: '%.*s'", (int)len, p);
            p++;
            continue;
        }
        memcpy(pat, p, len);
        pat[len] = 0;
        p += len + (p[len] == ',');
        int neg = pat[0] == '-';
        const char *g = neg ? pat + 1 : pat;
        if (!strcmp(g, "all")) g = "*";
        uint64_t hit = 0;
        for (int i = 0; i < VM_TEV_COUNT; i++)
            if (!fnmatch(g, events[i].name, 0)) hit |= 1ull << i;
        if (!hit)
            return vm_error_set(err, VM_EINVAL, "trace pattern '%s' matches no event (see vmtrace events)",
                                g);
        m = neg ? m & ~hit : m | hit;
    }
    *mask = m;
    return 0;
}

/* {==== the tracer ====================================================== */

uint64_t vm_trace_clock(int clock)
{
    struct timespec ts;
    if (clock == VM_TRACE_CLOCK_NONE) return 0;
    clock_gettime(clock == VM_TRACE_CLOCK_COARSE ? CLOCK_MONOTONIC_COARSE : CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

vm_tracer *vm_tracer_new(vm_error *err)
{
    vm_tracer *t = calloc(1, sizeof *t);
    if (!t) {
        vm_error_set(err, VM_ENOMEM, "tracer: out of host memory");
        return NULL;
    }
    t->t0 = vm_trace_clock(VM_TRACE_CLOCK_NS);
    return t;
}

void vm_tracer_free(vm_tracer *t)
{
    if (!t) return;
    vm_tracer_close_file(t, NULL);
    free(t->subs);
    free(t);
}

static void update(vm_tracer *t)
{
    uint64_t e = t->sinks;
    for (int i = 0; i < t->nsubs; i++) e |= t->subs[i].mask;
    t->head.enabled = e;
    if (t->m) vm_trace_machine_update(t);
}

int vm_tracer_enable(vm_tracer *t, const char *patterns, vm_error *err)
{
    uint64_t m;
    if (vm_trace_parse(patterns, &m, err)) return -1;
    vm_tracer_set_mask(t, m);
    return 0;
}

void vm_tracer_set_mask(vm_tracer *t, uint64_t mask)
{
    t->sinks = mask & (VM_TEV_COUNT == 64 ? ~0ull : (1ull << VM_TEV_COUNT) - 1);
    update(t);
}

uint64_t vm_tracer_mask(const vm_tracer *t) { return t->sinks; }
uint64_t vm_tracer_count(const vm_tracer *t, int ev)
{
    return ev >= 0 && ev < VM_TEV_COUNT ? t->counts[ev] : 0;
}

int vm_tracer_subscribe(vm_tracer *t, const char *patterns, vm_trace_fn fn, void *ud, vm_error *err)
{
    uint64_t m;
    if (!fn) return vm_error_set(err, VM_EINVAL, "trace subscription: no function");
    if (vm_trace_parse(patterns, &m, err)) return -1;
    int id = 0;
    while (id < t->nsubs && t->subs[id].mask) id++;
    if (id == t->nsubs) {
        struct vm_trace_sub *ns = realloc(t->subs, sizeof *ns * (size_t)(t->nsubs + 1));
        if (!ns) return vm_error_set(err, VM_ENOMEM, "trace subscription: out of memory");
        t->subs = ns;
        t->nsubs++;
    }
    t->subs[id] = (struct vm_trace_sub){fn, ud, m ? m : 0};
    if (!m) t->subs[id].fn = NULL;
    update(t);
    return id;
}

void vm_tracer_unsubscribe(vm_tracer *t, int id)
{
    if (id < 0 || id >= t->nsubs) return;
    t->subs[id] = (struct vm_trace_sub){0};
    update(t);
}

int vm_tracer_open_file(vm_tracer *t, const char *path, vm_error *err)
{
    if (vm_tracer_close_file(t, err)) return -1;
    static const char *const names[] = {"ns", "coarse", "none"};
    vm_tfw *w = vm_tfw_open(path, names[t->clock], events, VM_TEV_COUNT, err);
    if (!w) return -1;
    t->file = w;
    return 0;
}

int vm_tracer_close_file(vm_tracer *t, vm_error *err)
{
    vm_tfw *w = t->file;
    t->file = NULL;
    return vm_tfw_close(w, err);
}

void vm_tracer_set_text(vm_tracer *t, FILE *f) { t->text = f; }

int vm_tracer_set_clock(vm_tracer *t, const char *clock, vm_error *err)
{
    int c = !strcmp(clock, "ns") ? VM_TRACE_CLOCK_NS
            : !strcmp(clock, "coarse") ? VM_TRACE_CLOCK_COARSE
            : !strcmp(clock, "none") ? VM_TRACE_CLOCK_NONE : -1;
    if (c < 0) return vm_error_set(err, VM_EINVAL, "trace clock '%s': expected ns, coarse or none", clock);
    t->clock = c;
    t->t0 = c == VM_TRACE_CLOCK_NONE ? 0 : vm_trace_clock(c);
    return 0;
}

int vm_tracer_lttng(vm_tracer *t, vm_error *err)
{
    const vm_trace_lttng_fn *fns = vm_trace_lttng_load(err);
    if (!fns) return -1;
    t->lttng = fns;
    return 0;
}

/* {==== dispatch ======================================================== */

static void text_line(FILE *f, int ev, uint64_t ts, const vm_trace_val *v)
{
    const vm_trace_info *in = &events[ev];
    fprintf(f, "[%llu.%06llu] %s", (unsigned long long)(ts / 1000000000),
            (unsigned long long)(ts / 1000 % 1000000), in->name);
    for (int i = 0; i < in->nfields; i++) {
        const vm_trace_field *fd = &in->fields[i];
        switch (fd->type) {
        case VM_TRT_U64:
            if (v[i].u < 4096) fprintf(f, " %s=%llu", fd->name, (unsigned long long)v[i].u);
            else fprintf(f, " %s=0x%llx", fd->name, (unsigned long long)v[i].u);
            break;
        case VM_TRT_I64: fprintf(f, " %s=%lld", fd->name, (long long)v[i].i); break;
        default: fprintf(f, " %s=%s", fd->name, v[i].s ? v[i].s : ""); break;
        }
    }
    fputc('\n', f);
}

void vm_trace_emit(vm_tracer *t, int ev, const vm_trace_val *v)
{
    uint64_t bit = 1ull << ev;
    t->counts[ev]++;
    if (t->sinks & bit) {
        if (t->file || t->text) {
            uint64_t ts = vm_trace_clock(t->clock) - t->t0;
            if (t->file) vm_tfw_write(t->file, ev, ts, events[ev].nfields, events[ev].fields, v);
            if (t->text) text_line(t->text, ev, ts, v);
        }
        if (t->lttng) t->lttng[ev](v);
    }
    for (int i = 0; i < t->nsubs; i++)
        if (t->subs[i].mask & bit) t->subs[i].fn(t->subs[i].ud, ev, v);
}

/* The call-site functions: pack the arguments, emit. Each field list is
 * turned into a sequence "(U64, pc) (U64, raw) ()" and walked twice, once
 * for the parameters and once for the values (alternating macros A/B, as in
 * Boost.Preprocessor's sequences; the empty element ends the walk). */
#define SEL_(a, b, c, ...) c
#define P_A(...) SEL_(__VA_ARGS__, P_A1, P_0, 0)(__VA_ARGS__)
#define P_B(...) SEL_(__VA_ARGS__, P_B1, P_0, 0)(__VA_ARGS__)
#define P_A1(type, name) , vm_trace_ctype_##type name P_B
#define P_B1(type, name) , vm_trace_ctype_##type name P_A
#define P_0(...)
#define V_A(...) SEL_(__VA_ARGS__, V_A1, P_0, 0)(__VA_ARGS__)
#define V_B(...) SEL_(__VA_ARGS__, V_B1, P_0, 0)(__VA_ARGS__)
#define V_A1(type, name) VAL_##type(name), V_B
#define V_B1(type, name) VAL_##type(name), V_A
#define VAL_U64(x) {.u = (x)}
#define VAL_I64(x) {.i = (x)}
#define VAL_STR(x) {.s = (x) ? (x) : ""}
/* USDT probes (sys/sdt.h): one per event, "vmlab:NAME", in the generated
 * function, so they fire for the events the tracer has enabled (vmsh
 * --trace=PAT --trace-usdt). A probe that nothing attached to is a nop. */
#if defined(HAVE_SDT) && !defined(VMLAB_DISABLE_TRACING)
#define SDT_USE_VARIADIC 1
#include <sys/sdt.h>
#define U_A(...) SEL_(__VA_ARGS__, U_A1, P_0, 0)(__VA_ARGS__)
#define U_B(...) SEL_(__VA_ARGS__, U_B1, P_0, 0)(__VA_ARGS__)
#define U_A1(type, name) , name U_B
#define U_B1(type, name) , name U_A
#define USDT_(...) STAP_PROBEV(__VA_ARGS__)
#define PROBE(name, fields) USDT_(vmlab, name U_A fields ());
#else
#define PROBE(name, fields)
#endif
#define F(type, name) (type, name)
#define EV(name, flags, doc, fields)                   \
    void vm_trace_##name(vm_tracer *t P_A fields ())   \
    {                                                  \
        const vm_trace_val v[] = {V_A fields ()};      \
        PROBE(name, fields)                            \
        vm_trace_emit(t, VM_TEV_##name, v);            \
    }
#include "vmlab/trace_events.def"
#undef EV
#undef F
