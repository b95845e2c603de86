/*
 * The TLB model: see tlb.h. Plain arrays of entries, sets * ways, and the
 * policy's per-set state beside them. Lookups probe each page size the TLB
 * holds; a hit that the access may not use (a store to a clean page) is
 * treated as a miss, as hardware that re-walks to set D does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/access.h"
#include "mem/tlb.h"

static const vm_tlb_policy *const policies[] = {&vm_tlb_lru, &vm_tlb_plru, &vm_tlb_fifo,
                                                &vm_tlb_random, NULL};

const vm_tlb_policy *vm_tlb_policy_find(const char *name)
{
    for (int i = 0; policies[i]; i++)
        if (!strcmp(policies[i]->name, name)) return policies[i];
    return NULL;
}

int vm_tlb_policy_order_only(const vm_tlb_policy *p)
{
    for (int i = 0; policies[i]; i++)
        if (policies[i] == p) return 1;
    return 0;
}

const char *vm_tlb_level_name(int level)
{
    static const char *const n[] = {"l1i", "l1d", "l2"};
    return level >= 0 && level < VM_TLB_NLEVELS ? n[level] : "?";
}

#define IX_WAYS 8 /* sets with more ways than this are indexed */

static const char *const size_names[VM_PG_NSIZES] = {"4k", "2m", "1g", "512g"};

/* {==== one TLB ========================================================= */

static vm_tlb *tlb_new(int entries, int ways, const vm_tlb_policy *pol, int sizes, int asid,
                       uint64_t seed)
{
    vm_tlb *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->entries = entries;
    t->ways = ways;
    t->sets = entries / ways;
    t->set_mask = (t->sets & (t->sets - 1)) == 0 ? (uint64_t)t->sets - 1 : 0;
    t->sizes = sizes;
    t->asid_tagged = asid;
    t->policy = pol;
    t->e = calloc((size_t)entries, sizeof *t->e);
    t->pbytes = pol->state_bytes(ways);
    t->pstate = calloc((size_t)t->sets, t->pbytes ? t->pbytes : 1);
    if (!t->e || !t->pstate) {
        free(t->e);
        free(t->pstate);
        free(t);
        return NULL;
    }
    for (int s = 0; s < t->sets; s++) pol->init(t->pstate + (size_t)s * t->pbytes, ways);
    t->ctx.rng = seed ? seed : 0x9e3779b97f4a7c15ull;
    if (ways > IX_WAYS) {
        uint64_t n = 16;
        while (n < 4 * (uint64_t)entries) n <<= 1;
        t->ix = calloc(n, sizeof *t->ix);
        if (!t->ix) {
            free(t->e);
            free(t->pstate);
            free(t);
            return NULL;
        }
        t->ix_mask = n - 1;
    }
    return t;
}

static void tlb_free(vm_tlb *t)
{
    if (!t) return;
    free(t->ix);
    free(t->e);
    free(t->pstate);
    free(t);
}

static inline uint64_t set_of(const vm_tlb *t, uint64_t tag)
{
    return t->set_mask || t->sets == 1 ? (tag & t->set_mask) : tag % (uint64_t)t->sets;
}

static inline uint64_t tag_of(uint64_t va, int size) { return va >> (12 + 9 * size); }

/* {---- the index of wide TLBs ----} */

static inline uint64_t ix_key(uint64_t tag, int size) { return ((tag << 2) | (uint64_t)size) + 1; }
static inline uint64_t ix_hash(uint64_t key) { return (key * 0x9e3779b97f4a7c15ull) >> 20; }

static void ix_add(vm_tlb *t, uint64_t key, uint32_t idx)
{
    uint64_t h = ix_hash(key) & t->ix_mask;
    while (t->ix[h].key) h = (h + 1) & t->ix_mask;
    t->ix[h].key = key;
    t->ix[h].idx = idx;
}

static void ix_del(vm_tlb *t, uint64_t key, uint32_t idx)
{
    uint64_t h = ix_hash(key) & t->ix_mask;
    while (t->ix[h].key && !(t->ix[h].key == key && t->ix[h].idx == idx)) h = (h + 1) & t->ix_mask;
    if (!t->ix[h].key) return;
    /* backward-shift deletion keeps every probe chain unbroken */
    for (uint64_t j = (h + 1) & t->ix_mask; t->ix[j].key; j = (j + 1) & t->ix_mask) {
        uint64_t home = ix_hash(t->ix[j].key) & t->ix_mask;
        /* move j into the hole h if h lies cyclically in [home, j) */
        if ((j > h && (home <= h || home > j)) || (j < h && home <= h && home > j)) {
            t->ix[h] = t->ix[j];
            h = j;
        }
    }
    t->ix[h].key = 0;
}

/* Find va in t. On a hit returns the entry and counts it (policy update). */
static vm_tlb_entry *tlb_lookup(vm_tlb *t, uint64_t va, int asid)
{
    t->st.accesses++;
    for (int sz = 0; sz < VM_PG_NSIZES; sz++) {
        if (!t->nsize[sz]) continue;
        uint64_t tag = tag_of(va, sz), set = set_of(t, tag);
        if (t->ix) {
            uint64_t key = ix_key(tag, sz);
            for (uint64_t h = ix_hash(key) & t->ix_mask; t->ix[h].key; h = (h + 1) & t->ix_mask) {
                if (t->ix[h].key != key) continue;
                vm_tlb_entry *e = &t->e[t->ix[h].idx];
                if (!t->asid_tagged || e->asid == asid || (e->pte & PTE_G)) {
                    int w = (int)(t->ix[h].idx - set * (uint64_t)t->ways);
                    t->last_idx = (int)t->ix[h].idx;
                    t->ctx.set = (int)set;
                    t->policy->hit(t->pstate + set * t->pbytes, t->ways, w, &t->ctx);
                    return e;
                }
            }
            continue;
        }
        vm_tlb_entry *row = &t->e[set * (uint64_t)t->ways];
        for (int w = 0; w < t->ways; w++) {
            vm_tlb_entry *e = &row[w];
            if (e->valid && e->tag == tag && e->size == sz &&
                (!t->asid_tagged || e->asid == asid || (e->pte & PTE_G))) {
                t->last_idx = (int)(set * (uint64_t)t->ways) + w;
                t->ctx.set = (int)set;
                t->policy->hit(t->pstate + set * t->pbytes, t->ways, w, &t->ctx);
                return e;
            }
        }
    }
    return NULL;
}

static void tlb_count(vm_tlb *t, int hit, int size)
{
    if (hit) {
        t->st.hits++;
        t->st.hits_by_size[size]++;
    } else {
        t->st.misses++;
        t->st.misses_by_size[size]++;
    }
}

static void tlb_insert(vm_tlb_hier *h, int level, vm_tlb *t, uint64_t va, uint64_t ppn, int size,
                       uint64_t pte, int asid)
{
    if (!(t->sizes & (1 << size))) return; /* this TLB does not hold that size */
    uint64_t tag = tag_of(va, size), set = set_of(t, tag);
    vm_tlb_entry *row = &t->e[set * (uint64_t)t->ways];
    int way = -1;
    if (t->ix) {
        uint64_t key = ix_key(tag, size);
        for (uint64_t h = ix_hash(key) & t->ix_mask; t->ix[h].key; h = (h + 1) & t->ix_mask)
            if (t->ix[h].key == key) {
                vm_tlb_entry *e = &t->e[t->ix[h].idx];
                if (!t->asid_tagged || e->asid == asid) {
                    way = (int)(t->ix[h].idx - set * (uint64_t)t->ways);
                    break;
                }
            }
        /* invalid ways are used lowest first: keep a count of valid ones */
        if (way < 0 && t->nvalid_hint < t->entries)
            for (int w = 0; w < t->ways; w++)
                if (!row[w].valid) {
                    way = w;
                    break;
                }
    } else {
        for (int w = 0; w < t->ways; w++) {
            /* a stale entry for the same page (e.g. clean, now dirty) is replaced in place */
            if (row[w].valid && row[w].tag == tag && row[w].size == size &&
                (!t->asid_tagged || row[w].asid == asid)) {
                way = w;
                break;
            }
        }
        if (way < 0)
            for (int w = 0; w < t->ways; w++)
                if (!row[w].valid) {
                    way = w;
                    break;
                }
    }
    t->ctx.set = (int)set;
    if (way < 0) {
        way = t->policy->victim(t->pstate + set * t->pbytes, t->ways, &t->ctx);
        t->st.evictions++;
        if (h && h->event)
            h->event(h->event_ud, VM_TLB_EV_EVICT, level, row[way].tag << (9 * row[way].size),
                     row[way].asid);
    }
    uint32_t idx = (uint32_t)(set * (uint64_t)t->ways + (uint64_t)way);
    if (row[way].valid) {
        if (t->ix) ix_del(t, ix_key(row[way].tag, row[way].size), idx);
        t->nsize[row[way].size]--;
    } else {
        t->nvalid_hint++;
    }
    t->nsize[size]++;
    row[way] = (vm_tlb_entry){.tag = tag, .ppn = ppn, .asid = (uint16_t)asid, .size = (uint8_t)size,
                              .valid = 1, .pte = (uint16_t)(pte & 0x3ff)};
    if (t->ix) ix_add(t, ix_key(tag, size), idx);
    t->last_idx = (int)idx;
    t->policy->fill(t->pstate + set * t->pbytes, t->ways, way, &t->ctx);
}

static void tlb_flush(vm_tlb *t, uint64_t va, int asid)
{
    t->st.flushes++;
    for (int i = 0; i < t->entries; i++) {
        vm_tlb_entry *e = &t->e[i];
        if (!e->valid) continue;
        if (va != ~0ull && e->tag != tag_of(va, e->size)) continue;
        if (asid >= 0 && t->asid_tagged && e->asid != asid && !(e->pte & PTE_G)) continue;
        if (t->ix) ix_del(t, ix_key(e->tag, e->size), (uint32_t)i);
        e->valid = 0;
        t->nvalid_hint--;
        t->nsize[e->size]--;
    }
}

int vm_tlb_set_policy(vm_tlb *t, const vm_tlb_policy *p, void *ud)
{
    size_t pb = p->state_bytes(t->ways);
    unsigned char *st = calloc((size_t)t->sets, pb ? pb : 1);
    if (!st) return -1;
    for (int s = 0; s < t->sets; s++) p->init(st + (size_t)s * pb, t->ways);
    free(t->pstate);
    t->pstate = st;
    t->pbytes = pb;
    t->policy = p;
    t->ctx.ud = ud;
    return 0;
}

/* {==== page-walk cache ================================================= */

int vm_pwc_lookup(vm_pwc *c, int level, uint64_t va, uint64_t *pte)
{
    /* level i entries are keyed by the va bits above level i-1's index */
    uint64_t key = va >> (12 + 9 * level);
    vm_tlb *t = &c->t;
    uint64_t set = set_of(t, key);
    vm_tlb_entry *row = &t->e[set * (uint64_t)t->ways];
    t->st.accesses++;
    for (int w = 0; w < t->ways; w++)
        if (row[w].valid && row[w].size == level && row[w].tag == key) {
            t->ctx.set = (int)set;
            t->policy->hit(t->pstate + set * t->pbytes, t->ways, w, &t->ctx);
            *pte = row[w].ppn;
            c->hits++;
            t->st.hits++;
            return 1;
        }
    c->misses++;
    t->st.misses++;
    return 0;
}

void vm_pwc_insert(vm_pwc *c, int level, uint64_t va, uint64_t pte)
{
    vm_tlb *t = &c->t;
    uint64_t key = va >> (12 + 9 * level), set = set_of(t, key);
    vm_tlb_entry *row = &t->e[set * (uint64_t)t->ways];
    int way = -1;
    for (int w = 0; w < t->ways && way < 0; w++)
        if (!row[w].valid || (row[w].size == level && row[w].tag == key)) way = w;
    t->ctx.set = (int)set;
    if (way < 0) {
        way = t->policy->victim(t->pstate + set * t->pbytes, t->ways, &t->ctx);
        t->st.evictions++;
    }
    /* the whole PTE is kept in ppn: a non-leaf entry is what the walk needs */
    row[way] = (vm_tlb_entry){.tag = key, .ppn = pte, .size = (uint8_t)level, .valid = 1};
    t->policy->fill(t->pstate + set * t->pbytes, t->ways, way, &t->ctx);
}

/* {==== configuration =================================================== */

static int parse_sizes(const char *s, int *mask)
{
    *mask = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, "+"); tok; tok = strtok(NULL, "+")) {
        int i;
        for (i = 0; i < VM_PG_NSIZES; i++)
            if (!strcasecmp(tok, size_names[i])) break;
        if (i == VM_PG_NSIZES) return -1;
        *mask |= 1 << i;
    }
    return *mask ? 0 : -1;
}

static vm_tlb *parse_level(const char *name, const char *val, uint64_t seed, vm_error *err)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", val);
    char *save = NULL, *geo = strtok_r(buf, ":", &save);
    char *end;
    long entries = geo ? strtol(geo, &end, 10) : 0;
    long ways = entries;
    if (!geo || end == geo || entries <= 0) goto bad;
    if (*end == 'x' || *end == 'X') {
        char *e2;
        ways = strtol(end + 1, &e2, 10);
        if (e2 == end + 1 || *e2) goto bad;
    } else if (*end) {
        goto bad;
    }
    if (ways <= 0 || ways > entries || entries % ways || entries > (1 << 20)) {
        vm_error_set(err, VM_EINVAL,
                     "TLB %s=%s: entries must be a positive multiple of ways (ways <= entries <= 2^20)",
                     name, val);
        return NULL;
    }
    const vm_tlb_policy *pol = &vm_tlb_lru;
    int sizes = (1 << VM_PG_NSIZES) - 1, asid = 1;
    for (char *opt = strtok_r(NULL, ":", &save); opt; opt = strtok_r(NULL, ":", &save)) {
        const vm_tlb_policy *p = vm_tlb_policy_find(opt);
        if (p) pol = p;
        else if (!strcmp(opt, "noasid")) asid = 0;
        else if (!strcmp(opt, "asid")) asid = 1;
        else if (parse_sizes(opt, &sizes)) {
            vm_error_set(err, VM_EINVAL,
                         "TLB %s=%s: '%s' is not a policy (lru, plru, fifo, random), page sizes "
                         "(4k+2m+1g+512g) or noasid",
                         name, val, opt);
            return NULL;
        }
    }
    vm_tlb *t = tlb_new((int)entries, (int)ways, pol, sizes, asid, seed);
    if (!t) vm_error_set(err, VM_ENOMEM, "TLB %s: out of memory", name);
    return t;
bad:
    vm_error_set(err, VM_EINVAL, "TLB %s=%s: expected ENTRIESxWAYS[:policy][:sizes][:noasid]", name,
                 val);
    return NULL;
}

vm_tlb_hier *vm_tlb_hier_new(const char *spec, vm_error *err)
{
    vm_tlb_hier *h = calloc(1, sizeof *h);
    if (!h) {
        vm_error_set(err, VM_ENOMEM, "TLB: out of memory");
        return NULL;
    }
    if (!spec || !*spec) spec = VM_TLB_DEFAULT;
    snprintf(h->spec, sizeof h->spec, "%s", spec);
    h->cost = (vm_tlb_cost){.l1_hit = 0, .l2_hit = 8, .walk_mem = 30, .pwc_hit = 2, .base_cpi = 1};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    uint64_t seed = 1;
    /* the seed applies to every level, so read it first */
    const char *sp = strstr(spec, "seed=");
    if (sp) seed = strtoull(sp + 5, NULL, 0);
    if (!strcmp(spec, "none")) return h;
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            vm_error_set(err, VM_EINVAL, "TLB spec '%s': '%s' is not NAME=VALUE", spec, item);
            goto fail;
        }
        *eq = 0;
        const char *name = item, *val = eq + 1;
        if (!strcmp(name, "seed")) continue;
        if (!strcmp(name, "cost")) {
            /* cost=L1HIT/L2HIT/WALKMEM/PWCHIT */
            if (sscanf(val, "%lf/%lf/%lf/%lf", &h->cost.l1_hit, &h->cost.l2_hit, &h->cost.walk_mem,
                       &h->cost.pwc_hit) != 4) {
                vm_error_set(err, VM_EINVAL, "TLB cost=%s: expected L1HIT/L2HIT/WALKMEM/PWCHIT cycles",
                             val);
                goto fail;
            }
            continue;
        }
        int lv = -1;
        for (int i = 0; i < VM_TLB_NLEVELS; i++)
            if (!strcmp(name, vm_tlb_level_name(i))) lv = i;
        if (lv < 0 && strcmp(name, "pwc")) {
            vm_error_set(err, VM_EINVAL, "TLB spec: unknown level '%s' (l1i, l1d, l2, pwc, seed, cost)",
                         name);
            goto fail;
        }
        vm_tlb *t = parse_level(name, val, seed + (uint64_t)lv + 2, err);
        if (!t) goto fail;
        if (lv >= 0) {
            tlb_free(h->lv[lv]);
            h->lv[lv] = t;
        } else {
            free(h->pwc);
            h->pwc = calloc(1, sizeof *h->pwc);
            if (!h->pwc) {
                tlb_free(t);
                goto fail;
            }
            h->pwc->t = *t;
            free(t);
        }
    }
    return h;
fail:
    vm_tlb_hier_free(h);
    return NULL;
}

void vm_tlb_hier_free(vm_tlb_hier *h)
{
    if (!h) return;
    for (int i = 0; i < VM_TLB_NLEVELS; i++) tlb_free(h->lv[i]);
    if (h->pwc) {
        free(h->pwc->t.e);
        free(h->pwc->t.pstate);
        free(h->pwc);
    }
    free(h);
}

/* {==== translation ===================================================== */

static int pte_allows(uint64_t pte, int acc, const vm_walk_cfg *cfg)
{
    if (cfg->user ? !(pte & PTE_U) : ((pte & PTE_U) && (!cfg->sum || acc == VM_ACC_FETCH))) return 0;
    switch (acc) {
    case VM_ACC_FETCH: return !!(pte & PTE_X);
    case VM_ACC_READ: return (pte & PTE_R) || (cfg->mxr && (pte & PTE_X));
    default: return (pte & PTE_W) && (pte & PTE_D);
    }
}

int vm_tlb_translate(vm_tlb_hier *h, vm_phys *p, const vm_walk_cfg *cfg, uint64_t va, int acc,
                     uint64_t *pa, int *size, uint64_t *pte, int *ad_fault)
{
    const int asid = 0;
    *ad_fault = 0;
    vm_tlb *l1 = h->lv[acc == VM_ACC_FETCH ? VM_TLB_L1I : VM_TLB_L1D], *l2 = h->lv[VM_TLB_L2];
    vm_tlb_entry *e = NULL;
    int hit_level = -1, l1_missed = 0, l2_missed = 0;
    if (l1) {
        h->cycles += h->cost.l1_hit;
        e = tlb_lookup(l1, va, asid);
        if (e && !pte_allows(e->pte, acc, cfg)) e = NULL; /* e.g. store to a clean page: re-walk */
        if (e) {
            tlb_count(l1, 1, e->size);
            hit_level = 0;
            if (h->event)
                h->event(h->event_ud, VM_TLB_EV_HIT, acc == VM_ACC_FETCH ? VM_TLB_L1I : VM_TLB_L1D,
                         va >> 12, asid);
        } else {
            l1_missed = 1;
        }
    }
    if (!e && l2) {
        h->cycles += h->cost.l2_hit;
        e = tlb_lookup(l2, va, asid);
        if (e && !pte_allows(e->pte, acc, cfg)) e = NULL;
        if (e) {
            tlb_count(l2, 1, e->size);
            hit_level = 1;
            if (h->event) h->event(h->event_ud, VM_TLB_EV_HIT, VM_TLB_L2, va >> 12, asid);
        } else {
            l2_missed = 1;
        }
    }
    uint64_t ppn;
    int sz;
    uint64_t bits;
    if (e) {
        ppn = e->ppn;
        sz = e->size;
        bits = e->pte;
    } else {
        if (h->event) h->event(h->event_ud, VM_TLB_EV_MISS, l1 ? 0 : 1, va >> 12, asid);
        vm_walk_result r;
        int rc = vm_walk(p, cfg, h->pwc, va, acc, &r);
        h->walks++;
        h->walk_mem += (uint64_t)r.mem_accesses;
        h->walk_pwc_hits += (uint64_t)r.pwc_hits;
        h->cycles += r.mem_accesses * h->cost.walk_mem + r.pwc_hits * h->cost.pwc_hit;
        if (h->event) h->event(h->event_ud, VM_TLB_EV_WALK, r.levels, va >> 12, r.mem_accesses);
        if (rc) {
            h->faults++;
            *ad_fault = r.ad_fault;
            if (l1_missed) tlb_count(l1, 0, 0);
            if (l2_missed) tlb_count(l2, 0, 0);
            return -1;
        }
        sz = r.level;
        ppn = (r.pa >> 12) & ~((1ull << (9 * sz)) - 1);
        bits = r.pte;
        /* sizes a TLB level does not hold are not cached there (it walks again) */
        if (l2) tlb_insert(h, VM_TLB_L2, l2, va, ppn, sz, bits, asid);
    }
    /* misses are counted under the size of the page that missed */
    if (l1_missed) tlb_count(l1, 0, sz);
    if (l2_missed) tlb_count(l2, 0, sz);
    if (l1 && hit_level != 0) tlb_insert(h, acc == VM_ACC_FETCH ? 0 : 1, l1, va, ppn, sz, bits, asid);
    *pa = (ppn << 12) + (va & ((1ull << (12 + 9 * sz)) - 1));
    *size = sz;
    *pte = bits;
    return 0;
}

void vm_tlb_observe(vm_tlb_hier *h, vm_phys *p, const vm_walk_cfg *cfg, uint64_t va, int acc)
{
    uint64_t pa, pte;
    int size, adf;
    /* the real translation already set A/D: a shadow's walk only reads */
    vm_walk_cfg c = *cfg;
    c.ad = VM_AD_HW;
    vm_tlb_translate(h, p, &c, va, acc, &pa, &size, &pte, &adf);
}

void vm_tlb_flush(vm_tlb_hier *h, uint64_t va, int asid)
{
    for (int i = 0; i < VM_TLB_NLEVELS; i++)
        if (h->lv[i]) {
            tlb_flush(h->lv[i], va, asid);
            if (h->event) h->event(h->event_ud, VM_TLB_EV_FLUSH, i, va == ~0ull ? ~0ull : va >> 12, asid);
        }
    /* non-leaf entries may have changed too when the kernel edits tables */
    if (h->pwc) tlb_flush(&h->pwc->t, ~0ull, -1);
}

void vm_tlb_repeat_hits(vm_tlb_hier *h, int acc, uint64_t n, int size)
{
    vm_tlb *l1 = h->lv[acc == VM_ACC_FETCH ? VM_TLB_L1I : VM_TLB_L1D];
    if (!l1 || !n) return;
    l1->st.accesses += n;
    l1->st.hits += n;
    l1->st.hits_by_size[size] += n;
    h->cycles += (double)n * h->cost.l1_hit;
}

/* {==== statistics ====================================================== */

int vm_tlb_stats_json(const vm_tlb_hier *h, uint64_t insns, char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...)                                                                             \
    do {                                                                                     \
        int k_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);                    \
        if (k_ > 0) n += (size_t)k_;                                                         \
    } while (0)
    OUT("\"config\": \"%s\"", h->spec);
    for (int i = 0; i < VM_TLB_NLEVELS; i++) {
        const vm_tlb *t = h->lv[i];
        if (!t) continue;
        OUT(", \"%s\": {\"entries\": %d, \"ways\": %d, \"sets\": %d, \"policy\": \"%s\", "
            "\"accesses\": %llu, \"hits\": %llu, \"misses\": %llu, \"evictions\": %llu, "
            "\"flushes\": %llu, \"mpki\": %.4f, \"by_size\": {",
            vm_tlb_level_name(i), t->entries, t->ways, t->sets, t->policy->name,
            (unsigned long long)t->st.accesses, (unsigned long long)t->st.hits,
            (unsigned long long)t->st.misses, (unsigned long long)t->st.evictions,
            (unsigned long long)t->st.flushes, insns ? t->st.misses * 1000.0 / (double)insns : 0.0);
        int first = 1;
        for (int s = 0; s < VM_PG_NSIZES; s++) {
            if (!(t->sizes & (1 << s))) continue;
            OUT("%s\"%s\": {\"hits\": %llu, \"misses\": %llu}", first ? "" : ", ", size_names[s],
                (unsigned long long)t->st.hits_by_size[s], (unsigned long long)t->st.misses_by_size[s]);
            first = 0;
        }
        OUT("}}");
    }
    if (h->pwc)
        OUT(", \"pwc\": {\"entries\": %d, \"ways\": %d, \"policy\": \"%s\", \"hits\": %llu, "
            "\"misses\": %llu}",
            h->pwc->t.entries, h->pwc->t.ways, h->pwc->t.policy->name,
            (unsigned long long)h->pwc->hits, (unsigned long long)h->pwc->misses);
    OUT(", \"walks\": {\"count\": %llu, \"mem_accesses\": %llu, \"pwc_hits\": %llu, \"faults\": %llu}",
        (unsigned long long)h->walks, (unsigned long long)h->walk_mem,
        (unsigned long long)h->walk_pwc_hits, (unsigned long long)h->faults);
    OUT(", \"cost\": {\"cycles\": %.0f, \"overhead_pct\": %.3f, \"model\": {\"l1_hit\": %g, "
        "\"l2_hit\": %g, \"walk_mem\": %g, \"pwc_hit\": %g, \"base_cpi\": %g}}",
        h->cycles, insns ? 100.0 * h->cycles / ((double)insns * h->cost.base_cpi) : 0.0,
        h->cost.l1_hit, h->cost.l2_hit, h->cost.walk_mem, h->cost.pwc_hit, h->cost.base_cpi);
#undef OUT
    return (int)n;
}

void vm_tlb_stats_print(const vm_tlb_hier *h, uint64_t insns, const char *title, void *file)
{
    FILE *f = file;
    fprintf(f, "%s [%s]\n", title, h->spec);
    fprintf(f, "  %-4s %9s %6s %5s %14s %14s %10s %9s\n", "tlb", "entries", "ways", "pol",
            "accesses", "misses", "miss rate", "MPKI");
    for (int i = 0; i < VM_TLB_NLEVELS; i++) {
        const vm_tlb *t = h->lv[i];
        if (!t) continue;
        fprintf(f, "  %-4s %9d %6d %5s %14llu %14llu %9.4f%% %9.3f\n", vm_tlb_level_name(i),
                t->entries, t->ways, t->policy->name, (unsigned long long)t->st.accesses,
                (unsigned long long)t->st.misses,
                t->st.accesses ? 100.0 * t->st.misses / (double)t->st.accesses : 0.0,
                insns ? 1000.0 * t->st.misses / (double)insns : 0.0);
    }
    fprintf(f, "  walks %llu, %llu memory accesses (%.2f per walk)%s; translation %.0f cycles = %.2f%% "
               "of %llu instructions at CPI %g\n",
            (unsigned long long)h->walks, (unsigned long long)h->walk_mem,
            h->walks ? (double)h->walk_mem / (double)h->walks : 0.0,
            h->pwc ? ", page-walk cache on" : "", h->cycles,
            insns ? 100.0 * h->cycles / ((double)insns * h->cost.base_cpi) : 0.0,
            (unsigned long long)insns, h->cost.base_cpi);
}
