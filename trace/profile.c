/*
 * The guest profiler (see profile.h).
 *
 * Shadow stack: a call (jal/jalr/c.jalr writing ra or t0) pushes a frame
 * whose function starts at the next executed pc and whose return address is
 * the call's pc + length; a return (jalr x0 through ra or t0, c.jr ra) pops
 * frames down to the one returning to the next executed pc (so longjmp and
 * unusual returns resynchronise instead of drifting). Tail calls (jumps) do
 * not push: their time is charged to the leaf function found from the pc.
 *
 * Samples: every `period` instructions the stack (frame functions, then the
 * pc's function if it differs from the top frame's) is counted as one
 * folded-stack line in a hash table, and self/inclusive counts per function.
 */
#include <stdlib.h>
#include <string.h>

#include "trace/profile.h"
#include "trace/symbols.h"

#define MAXDEPTH 512

struct frame {
    uint64_t entry, ret;
};

struct stackent {
    char *key; /* "a;b;c" */
    uint64_t n;
};

struct vm_profile {
    vm_tracer *t;
    int sub;
    vm_tsyms syms;
    uint64_t period, next_sample, samples;
    struct frame st[MAXDEPTH];
    int depth, overflow;
    int pending;        /* 1 call, 2 return: resolved at the next instruction */
    uint64_t pend_ret;
    uint64_t *self, *incl, *calls; /* per symbol; index n: unknown */
    uint64_t *seen;     /* per symbol: last sample it was counted inclusive in */
    struct stackent *tab;
    size_t tabcap, tabn;
    int oom;
};

static const char *fname(const vm_profile *p, long i)
{
    return i >= 0 ? p->syms.v[i].name : "[unknown]";
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static void count_stack(vm_profile *p, const char *key)
{
    if (p->tabn * 2 >= p->tabcap) {
        size_t nc = p->tabcap ? p->tabcap * 2 : 1024;
        struct stackent *nt = calloc(nc, sizeof *nt);
        if (!nt) {
            p->oom = 1;
            return;
        }
        for (size_t i = 0; i < p->tabcap; i++)
            if (p->tab[i].key) {
                size_t j = hash(p->tab[i].key) & (nc - 1);
                while (nt[j].key) j = (j + 1) & (nc - 1);
                nt[j] = p->tab[i];
            }
        free(p->tab);
        p->tab = nt;
        p->tabcap = nc;
    }
    size_t j = hash(key) & (p->tabcap - 1);
    while (p->tab[j].key && strcmp(p->tab[j].key, key)) j = (j + 1) & (p->tabcap - 1);
    if (!p->tab[j].key) {
        if (!(p->tab[j].key = strdup(key))) {
            p->oom = 1;
            return;
        }
        p->tabn++;
    }
    p->tab[j].n++;
}

static void sample(vm_profile *p, uint64_t pc)
{
    size_t unk = p->syms.n;
    char key[4096];
    size_t k = 0;
    long last = -2;
    p->samples++;
    for (int i = 0; i <= p->depth; i++) {
        long f = i < p->depth ? vm_tsyms_find(&p->syms, p->st[i].entry) : vm_tsyms_find(&p->syms, pc);
        if (i == p->depth && f == last) break; /* the pc is in the top frame's function */
        size_t idx = f >= 0 ? (size_t)f : unk;
        if (p->seen[idx] != p->samples) {
            p->seen[idx] = p->samples;
            p->incl[idx]++;
        }
        const char *nm = fname(p, f);
        size_t l = strlen(nm);
        if (k + l + 2 < sizeof key) {
            if (k) key[k++] = ';';
            memcpy(key + k, nm, l);
            k += l;
        }
        last = f;
    }
    key[k] = 0;
    long leaf = vm_tsyms_find(&p->syms, pc);
    p->self[leaf >= 0 ? (size_t)leaf : unk]++;
    count_stack(p, key);
}

static void on_insn(void *ud, int ev, const vm_trace_val *v)
{
    vm_profile *p = ud;
    uint64_t pc = v[0].u, raw = v[1].u, icount = v[2].u;
    if (p->pending == 1) {
        if (p->depth < MAXDEPTH) {
            p->st[p->depth++] = (struct frame){pc, p->pend_ret};
            long f = vm_tsyms_find(&p->syms, pc);
            p->calls[f >= 0 ? (size_t)f : p->syms.n]++;
        } else {
            p->overflow++;
        }
    } else if (p->pending == 2) {
        for (int i = p->depth; i-- > 1;)
            if (p->st[i].ret == pc) {
                p->depth = i;
                break;
            }
    }
    p->pending = 0;
    if (icount >= p->next_sample) {
        sample(p, pc);
        p->next_sample = icount + p->period;
    }
    /* classify this instruction: call, return or neither */
    unsigned len = (raw & 3) == 3 ? 4 : 2;
    if (len == 4) {
        unsigned op = raw & 0x7f, rd = (raw >> 7) & 31, rs1 = (raw >> 15) & 31;
        if (op == 0x6f || op == 0x67) {
            if (rd == 1 || rd == 5) p->pending = 1;
            else if (op == 0x67 && rd == 0 && (rs1 == 1 || rs1 == 5)) p->pending = 2;
        }
    } else if ((raw & 3) == 2 && ((raw >> 13) & 7) == 4 && ((raw >> 2) & 31) == 0) {
        unsigned rs1 = (raw >> 7) & 31;
        if (rs1) {
            if ((raw >> 12) & 1) p->pending = 1;                  /* c.jalr */
            else if (rs1 == 1 || rs1 == 5) p->pending = 2;        /* c.jr ra */
        }
    }
    if (p->pending == 1) p->pend_ret = pc + len;
}

vm_profile *vm_profile_new(vm_machine *m, vm_tracer *t, const char *path, uint64_t period,
                           vm_error *err)
{
    vm_profile *p = calloc(1, sizeof *p);
    if (!p) {
        vm_error_set(err, VM_ENOMEM, "profile: out of memory");
        return NULL;
    }
    p->t = t;
    p->sub = -1;
    p->period = period ? period : 1000;
    if (vm_tsyms_read(path, &p->syms, err)) goto fail;
    uint64_t entry = p->syms.elf.entry, bias = 0;
    if (p->syms.elf.pie) {
        /* the loaded program's AT_ENTRY in the initial stack's auxv */
        uint64_t sp = vm_machine_x(m, 2), v = 0;
        if (!vm_machine_read(m, sp, &v, 8, NULL)) {
            sp += 8 * (v + 2);
            for (int i = 0; i < 4096 && !vm_machine_read(m, sp, &v, 8, NULL) && v; i++) sp += 8;
            sp += 8;
            uint64_t kv[2];
            for (int i = 0; i < 64 && !vm_machine_read(m, sp, kv, 16, NULL) && kv[0]; i++, sp += 16)
                if (kv[0] == 9 /* AT_ENTRY */) bias = kv[1] - entry;
        }
    }
    p->syms.bias = bias;
    size_t n = p->syms.n + 1;
    p->self = calloc(n, sizeof *p->self);
    p->incl = calloc(n, sizeof *p->incl);
    p->calls = calloc(n, sizeof *p->calls);
    p->seen = calloc(n, sizeof *p->seen);
    if (!p->self || !p->incl || !p->calls || !p->seen) {
        vm_error_set(err, VM_ENOMEM, "profile: out of memory");
        goto fail;
    }
    /* the root frame: the function the program starts in */
    p->st[0] = (struct frame){vm_machine_pc(m), 0};
    p->depth = 1;
    if ((p->sub = vm_tracer_subscribe(t, "insn", on_insn, p, err)) < 0) goto fail;
    return p;
fail:
    vm_profile_free(p);
    return NULL;
}

void vm_profile_free(vm_profile *p)
{
    if (!p) return;
    if (p->sub >= 0) vm_tracer_unsubscribe(p->t, p->sub);
    for (size_t i = 0; i < p->tabcap; i++) free(p->tab[i].key);
    free(p->tab);
    free(p->self);
    free(p->incl);
    free(p->calls);
    free(p->seen);
    vm_tsyms_free(&p->syms);
    free(p);
}

uint64_t vm_profile_samples(const vm_profile *p) { return p->samples; }

static int by_self(const void *a, const void *b, void *ctx)
{
    const vm_profile *sort_p = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint64_t sx = sort_p->self[x], sy = sort_p->self[y];
    if (sx != sy) return sx > sy ? -1 : 1;
    return sort_p->incl[x] > sort_p->incl[y] ? -1 : sort_p->incl[x] < sort_p->incl[y];
}

void vm_profile_print(const vm_profile *p, FILE *f, int topn)
{
    size_t n = p->syms.n + 1, m = 0;
    size_t *ix = malloc(n * sizeof *ix);
    if (!ix) return;
    for (size_t i = 0; i < n; i++)
        if (p->self[i] || p->incl[i]) ix[m++] = i;
    qsort_r(ix, m, sizeof *ix, by_self, (void *)p);
    fprintf(f, "profile: %llu samples, one every %llu instructions\n", (unsigned long long)p->samples,
            (unsigned long long)p->period);
    fprintf(f, "%7s %9s %7s %9s %10s  %s\n", "self%", "self", "incl%", "incl", "calls", "function");
    double tot = p->samples ? (double)p->samples : 1.0;
    for (size_t k = 0; k < m && (topn <= 0 || (int)k < topn); k++) {
        size_t i = ix[k];
        fprintf(f, "%6.2f%% %9llu %6.2f%% %9llu %10llu  %s\n", 100.0 * (double)p->self[i] / tot,
                (unsigned long long)p->self[i], 100.0 * (double)p->incl[i] / tot,
                (unsigned long long)p->incl[i], (unsigned long long)p->calls[i],
                fname(p, i < p->syms.n ? (long)i : -1));
    }
    free(ix);
}

int vm_profile_write_folded(const vm_profile *p, FILE *f)
{
    for (size_t i = 0; i < p->tabcap; i++)
        if (p->tab[i].key) fprintf(f, "%s %llu\n", p->tab[i].key, (unsigned long long)p->tab[i].n);
    return ferror(f) ? -1 : 0;
}
