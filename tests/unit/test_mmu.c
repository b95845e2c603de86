/*
 * MMU and TLB model tests: the page walker on hand-built page tables (every
 * case of the spec's translation algorithm), and known answers of the TLB
 * model for access patterns whose miss counts can be worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mem/mem.h"

/* {==== walker on hand-built tables ==================================== */

static vm_phys *P;
static uint64_t root, l1tab, l0tab;

static uint64_t *slot(uint64_t table, int idx) { return (uint64_t *)vm_phys_host(P, table) + idx; }
static uint64_t ptr(uint64_t pa) { return ((pa >> 12) << 10) | PTE_V; }
static uint64_t leafpte(uint64_t pa, uint64_t bits) { return ((pa >> 12) << 10) | PTE_V | bits; }

/* va 0x40201000 = vpn2 1, vpn1 1, vpn0 1 */
#define VA 0x40201000ull

static int setup_tables(void **state)
{
    P = vm_phys_new(1ull << 30, NULL);
    root = vm_phys_alloc(P, 4096);
    l1tab = vm_phys_alloc(P, 4096);
    l0tab = vm_phys_alloc(P, 4096);
    *slot(root, 1) = ptr(l1tab);
    *slot(l1tab, 1) = ptr(l0tab);
    return 0;
}

static int teardown_tables(void **state)
{
    vm_phys_free(P);
    return 0;
}

static int walk(uint64_t pte, uint64_t va, int acc, int user, int sum, int mxr, int ad,
                vm_walk_result *r)
{
    *slot(l0tab, 1) = pte;
    vm_walk_cfg c = {.mode = VM_MMU_SV39, .root = root, .user = user, .sum = sum, .mxr = mxr, .ad = ad};
    return vm_walk(P, &c, NULL, va, acc, r);
}

static void test_walk_leaf_4k(void **state)
{
    vm_walk_result r;
    uint64_t all = PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
    assert_int_equal(walk(leafpte(0x123000, all), VA + 0x45, VM_ACC_READ, 1, 0, 0, 0, &r), 0);
    assert_int_equal(r.pa, 0x123045);
    assert_int_equal(r.level, 0);
    assert_int_equal(r.mem_accesses, 3);
}

static void test_walk_invalid_and_reserved(void **state)
{
    vm_walk_result r;
    uint64_t ok = PTE_R | PTE_U | PTE_A;
    assert_int_equal(walk(leafpte(0x1000, ok) & ~(uint64_t)PTE_V, VA, VM_ACC_READ, 1, 0, 0, 0, &r), -1);
    /* W without R is reserved */
    assert_int_equal(walk(leafpte(0x1000, PTE_W | PTE_U | PTE_A), VA, VM_ACC_READ, 1, 0, 0, 0, &r), -1);
    /* bits 63:54 must be zero */
    assert_int_equal(walk(leafpte(0x1000, ok) | (1ull << 62), VA, VM_ACC_READ, 1, 0, 0, 0, &r), -1);
    /* a pointer at level 0 has nowhere to go */
    assert_int_equal(walk(ptr(0x1000), VA, VM_ACC_READ, 1, 0, 0, 0, &r), -1);
    /* non-canonical address */
    assert_int_equal(walk(leafpte(0x1000, ok), VA | (1ull << 40), VM_ACC_READ, 1, 0, 0, 0, &r), -1);
}

static void test_walk_permissions(void **state)
{
    vm_walk_result r;
    uint64_t AD = PTE_A | PTE_D;
    /* user needs U */
    assert_int_equal(walk(leafpte(0x1000, PTE_R | AD), VA, VM_ACC_READ, 1, 0, 0, 0, &r), -1);
    /* supervisor on a U page: only with SUM, never for fetch */
    assert_int_equal(walk(leafpte(0x1000, PTE_R | PTE_X | PTE_U | AD), VA, VM_ACC_READ, 0, 0, 0, 0, &r), -1);
    assert_int_equal(walk(leafpte(0x1000, PTE_R | PTE_X | PTE_U | AD), VA, VM_ACC_READ, 0, 1, 0, 0, &r), 0);
    assert_int_equal(walk(leafpte(0x1000, PTE_R | PTE_X | PTE_U | AD), VA, VM_ACC_FETCH, 0, 1, 0, 0, &r), -1);
    /* store needs W, fetch needs X */
    assert_int_equal(walk(leafpte(0x1000, PTE_R | PTE_U | AD), VA, VM_ACC_WRITE, 1, 0, 0, 0, &r), -1);
    assert_int_equal(walk(leafpte(0x1000, PTE_R | PTE_U | AD), VA, VM_ACC_FETCH, 1, 0, 0, 0, &r), -1);
    /* execute-only: loads only with MXR */
    assert_int_equal(walk(leafpte(0x1000, PTE_X | PTE_U | AD), VA, VM_ACC_READ, 1, 0, 0, 0, &r), -1);
    assert_int_equal(walk(leafpte(0x1000, PTE_X | PTE_U | AD), VA, VM_ACC_READ, 1, 0, 1, 0, &r), 0);
    assert_int_equal(walk(leafpte(0x1000, PTE_X | PTE_U | AD), VA, VM_ACC_FETCH, 1, 0, 0, 0, &r), 0);
}

static void test_walk_superpages(void **state)
{
    vm_walk_result r;
    uint64_t b = PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
    uint64_t save = *slot(l1tab, 1);
    /* 2 MiB leaf at level 1: aligned PPN */
    *slot(l1tab, 1) = leafpte(0x600000, b);
    vm_walk_cfg c = {.mode = VM_MMU_SV39, .root = root, .user = 1};
    assert_int_equal(vm_walk(P, &c, NULL, VA + 0x2345, VM_ACC_WRITE, &r), 0);
    assert_int_equal(r.pa, 0x600000 + 0x1000 + 0x2345);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.mem_accesses, 2);
    /* misaligned: PPN[0] != 0 */
    *slot(l1tab, 1) = leafpte(0x601000, b);
    assert_int_equal(vm_walk(P, &c, NULL, VA, VM_ACC_READ, &r), -1);
    /* 1 GiB leaf at level 2 */
    uint64_t save2 = *slot(root, 1);
    *slot(root, 1) = leafpte(0x40000000, b);
    assert_int_equal(vm_walk(P, &c, NULL, VA, VM_ACC_READ, &r), 0);
    assert_int_equal(r.pa, 0x40201000);
    assert_int_equal(r.level, 2);
    *slot(root, 1) = leafpte(0x40200000, b); /* misaligned gigapage */
    assert_int_equal(vm_walk(P, &c, NULL, VA, VM_ACC_READ, &r), -1);
    *slot(root, 1) = save2;
    *slot(l1tab, 1) = save;
}

static void test_walk_sv48(void **state)
{
    /* a 512 GiB leaf at level 3 of an Sv48 table */
    uint64_t r48 = vm_phys_alloc(P, 4096);
    vm_walk_result r;
    *slot(r48, 1) = leafpte(0x8000000000ull, PTE_R | PTE_U | PTE_A);
    vm_walk_cfg c = {.mode = VM_MMU_SV48, .root = r48, .user = 1};
    assert_int_equal(vm_walk(P, &c, NULL, 0x8000001234ull, VM_ACC_READ, &r), 0);
    assert_int_equal(r.pa, 0x8000001234ull);
    assert_int_equal(r.level, 3);
    /* the same address is not canonical in Sv39 */
    c.mode = VM_MMU_SV39;
    assert_int_equal(vm_walk(P, &c, NULL, 0x8000001234ull, VM_ACC_READ, &r), -1);
}

static void test_walk_ad(void **state)
{
    vm_walk_result r;
    /* hardware A/D: a load sets A, a store sets A and D, each one more access */
    assert_int_equal(walk(leafpte(0x2000, PTE_R | PTE_W | PTE_U), VA, VM_ACC_READ, 1, 0, 0, VM_AD_HW, &r), 0);
    assert_true(*slot(l0tab, 1) & PTE_A);
    assert_false(*slot(l0tab, 1) & PTE_D);
    assert_int_equal(r.mem_accesses, 4);
    vm_walk_cfg c = {.mode = VM_MMU_SV39, .root = root, .user = 1};
    assert_int_equal(vm_walk(P, &c, NULL, VA, VM_ACC_WRITE, &r), 0);
    assert_true(*slot(l0tab, 1) & PTE_D);
    /* fault mode: the walk fails and says why */
    assert_int_equal(walk(leafpte(0x2000, PTE_R | PTE_W | PTE_U), VA, VM_ACC_READ, 1, 0, 0, VM_AD_FAULT, &r), -1);
    assert_true(r.ad_fault);
    assert_false(*slot(l0tab, 1) & PTE_A);
}

/* {==== TLB known answers through a real address space ================ */

#define BASE 0x10000000ull

static vm_mem *space(const char *tlb, int pages, uint64_t npages)
{
    vm_mem_config c = {.mmu = VM_MMU_SV39, .tlb = tlb, .pages = pages};
    vm_error err;
    vm_mem *m = vm_mem_new(&c, &err);
    if (!m) fail_msg("%s", err.msg);
    assert_int_equal(vm_mem_map(m, BASE, npages * 4096, VM_PROT_R | VM_PROT_W, 0, &err), 0);
    return m;
}

static uint64_t l1d_misses(vm_mem *m)
{
    vm_mem_sync_stats(m);
    return m->tlb->lv[VM_TLB_L1D]->st.misses;
}

/* touch pages (page numbers relative to BASE) in order */
static void touch(vm_mem *m, const int *pages, int n)
{
    vm_mem_fault f;
    for (int i = 0; i < n; i++) assert_non_null(vm_mem_ptr(m, BASE + (uint64_t)pages[i] * 4096, VM_ACC_READ, &f));
}

static void cyclic(vm_mem *m, int npages, int stride, int rounds)
{
    vm_mem_fault f;
    for (int r = 0; r < rounds; r++)
        for (int p = 0; p < npages; p++)
            assert_non_null(vm_mem_ptr(m, BASE + (uint64_t)p * stride * 4096, VM_ACC_READ, &f));
}

static void test_tlb_fully_associative_lru(void **state)
{
    /* 64 entries, fully associative, LRU: N < 64 pages -> N compulsory misses */
    vm_mem *m = space("l1d=64x64:lru", VM_PAGES_4K, 256);
    cyclic(m, 32, 1, 10);
    assert_int_equal(l1d_misses(m), 32);
    vm_mem_free(m);
    /* N > 64 cycled: every access misses */
    m = space("l1d=64x64:lru", VM_PAGES_4K, 256);
    cyclic(m, 65, 1, 10);
    assert_int_equal(l1d_misses(m), 650);
    assert_int_equal(m->tlb->lv[VM_TLB_L1D]->st.evictions, 650 - 64);
    vm_mem_free(m);
}

static void test_tlb_set_conflicts(void **state)
{
    /* 64 entries, 4 ways = 16 sets: pages 16 apart share a set */
    vm_mem *m = space("l1d=64x4:lru", VM_PAGES_4K, 8 * 16);
    cyclic(m, 4, 16, 10);
    assert_int_equal(l1d_misses(m), 4);
    vm_mem_free(m);
    m = space("l1d=64x4:lru", VM_PAGES_4K, 8 * 16);
    cyclic(m, 8, 16, 10);
    assert_int_equal(l1d_misses(m), 80); /* thrashing */
    vm_mem_free(m);
    /* the same 8 pages spread over sets fit */
    m = space("l1d=64x4:lru", VM_PAGES_4K, 8 * 16);
    cyclic(m, 8, 1, 10);
    assert_int_equal(l1d_misses(m), 8);
    vm_mem_free(m);
}

static void test_tlb_policies_known_answers(void **state)
{
    /* one 4-way set; pages A B C D D A E B: worked out by hand in doc/mmu.md */
    static const int seq[] = {0, 1, 2, 3, 3, 0, 4, 1};
    struct { const char *spec; uint64_t misses; } want[] = {
        {"l1d=4x4:lru", 6}, {"l1d=4x4:plru", 5}, {"l1d=4x4:fifo", 5},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        vm_mem *m = space(want[i].spec, VM_PAGES_4K, 8);
        touch(m, seq, 8);
        if (l1d_misses(m) != want[i].misses)
            fail_msg("%s: %llu misses, want %llu", want[i].spec, (unsigned long long)l1d_misses(m),
                     (unsigned long long)want[i].misses);
        vm_mem_free(m);
    }
    /* FIFO differs from LRU on A B C D A E A */
    static const int seq2[] = {0, 1, 2, 3, 0, 4, 0};
    vm_mem *m = space("l1d=4x4:lru", VM_PAGES_4K, 8);
    touch(m, seq2, 7);
    assert_int_equal(l1d_misses(m), 5);
    vm_mem_free(m);
    m = space("l1d=4x4:fifo", VM_PAGES_4K, 8);
    touch(m, seq2, 7);
    assert_int_equal(l1d_misses(m), 6);
    vm_mem_free(m);
    /* random: repeatable for a seed, and between the bounds */
    uint64_t r1, r2;
    m = space("l1d=16x16:random,seed=42", VM_PAGES_4K, 64);
    cyclic(m, 20, 1, 20);
    r1 = l1d_misses(m);
    vm_mem_free(m);
    m = space("l1d=16x16:random,seed=42", VM_PAGES_4K, 64);
    cyclic(m, 20, 1, 20);
    r2 = l1d_misses(m);
    vm_mem_free(m);
    assert_int_equal(r1, r2);
    assert_true(r1 > 20 && r1 < 400);
}

static void test_tlb_superpages(void **state)
{
    /* 4 MiB touched page by page: 1024 misses with 4 KiB pages, 2 with 2 MiB */
    vm_mem *m = space("l1d=64x64:lru", VM_PAGES_4K, 1024);
    cyclic(m, 1024, 1, 1);
    assert_int_equal(l1d_misses(m), 1024);
    vm_mem_free(m);
    m = space("l1d=64x64:lru", VM_PAGES_2M, 1024);
    assert_int_equal(m->superpages, 2);
    cyclic(m, 1024, 1, 3);
    assert_int_equal(l1d_misses(m), 2);
    assert_int_equal(m->tlb->lv[VM_TLB_L1D]->st.hits_by_size[VM_PG_2M], 3 * 1024 - 2);
    vm_mem_free(m);
    /* a TLB that holds only 4 KiB pages never caches the superpage */
    m = space("l1d=64x64:lru:4k", VM_PAGES_2M, 1024);
    cyclic(m, 4, 1, 2);
    assert_int_equal(l1d_misses(m), 8);
    vm_mem_free(m);
}

static void test_tlb_l2_and_walks(void **state)
{
    /* L1 of 4, L2 of 64: 16 pages cycled: L1 misses every time, L2 only the first round */
    vm_mem *m = space("l1d=4x4:lru,l2=64x64:lru", VM_PAGES_4K, 64);
    cyclic(m, 16, 1, 5);
    vm_mem_sync_stats(m);
    assert_int_equal(m->tlb->lv[VM_TLB_L1D]->st.misses, 80);
    assert_int_equal(m->tlb->lv[VM_TLB_L2]->st.misses, 16);
    assert_int_equal(m->tlb->walks, 16);
    /* 3 PTE reads + the A update per walk */
    assert_int_equal(m->tlb->walk_mem, 16 * 4);
    vm_mem_free(m);
    /* a page-walk cache serves the upper levels */
    m = space("l1d=4x4:lru,pwc=8x8:lru", VM_PAGES_4K, 64);
    cyclic(m, 16, 1, 2);
    assert_int_equal(m->tlb->walks, 32);
    assert_true(m->tlb->walk_pwc_hits >= 2 * (32 - 1));
    vm_mem_free(m);
}

static void test_shadows_match_standalone(void **state)
{
    /* a shadow sees exactly what the same configuration would as the real TLB */
    vm_mem_config c = {.mmu = VM_MMU_SV39, .tlb = "l1d=64x64:lru",
                       .shadows = {"l1d=16x4:fifo", "l1d=8x8:plru,l2=32x2:lru"}, .nshadows = 2};
    vm_mem *m = vm_mem_new(&c, NULL);
    assert_int_equal(vm_mem_map(m, BASE, 64 * 4096, VM_PROT_R | VM_PROT_W, 0, NULL), 0);
    cyclic(m, 40, 1, 3);
    cyclic(m, 7, 3, 4);
    vm_mem_sync_stats(m);
    for (int s = 0; s < 2; s++) {
        vm_mem *alone = space(c.shadows[s], VM_PAGES_4K, 64);
        cyclic(alone, 40, 1, 3);
        cyclic(alone, 7, 3, 4);
        vm_mem_sync_stats(alone);
        for (int l = 0; l < VM_TLB_NLEVELS; l++) {
            vm_tlb *a = m->shadow[s]->lv[l], *b = alone->tlb->lv[l];
            assert_int_equal(!a, !b);
            if (!a) continue;
            assert_int_equal(a->st.accesses, b->st.accesses);
            assert_int_equal(a->st.misses, b->st.misses);
        }
        vm_mem_free(alone);
    }
    vm_mem_free(m);
}

static void test_fast_mode_translates_same(void **state)
{
    vm_mem_config c = {.mmu = VM_MMU_SV39, .tlb_mode = VM_TLBMODE_FAST};
    vm_mem *m = vm_mem_new(&c, NULL);
    assert_int_equal(vm_mem_map(m, BASE, 16 * 4096, VM_PROT_R | VM_PROT_W, 0, NULL), 0);
    vm_mem_fault f;
    uint64_t *p = vm_mem_ptr(m, BASE + 8, VM_ACC_WRITE, &f);
    *p = 0x1234;
    uint64_t v;
    assert_int_equal(vm_mem_read(m, BASE + 8, &v, 8, &f), 0);
    assert_int_equal(v, 0x1234);
    vm_mem_free(m);
}

static void test_faults_and_protect(void **state)
{
    vm_mem *m = space(NULL, VM_PAGES_2M, 1024);
    vm_mem_fault f;
    /* unmapped */
    assert_null(vm_mem_ptr(m, 0x1000, VM_ACC_READ, &f));
    assert_int_equal(f.mapped, 0);
    /* read-only after mprotect of a piece of a superpage (splits it) */
    int why;
    assert_int_equal(vm_mem_protect(m, BASE + 4096, 4096, VM_PROT_R, &why), 0);
    assert_non_null(vm_mem_ptr(m, BASE + 4096, VM_ACC_READ, &f));
    assert_null(vm_mem_ptr(m, BASE + 4096, VM_ACC_WRITE, &f));
    assert_int_equal(f.mapped, 1);
    assert_non_null(vm_mem_ptr(m, BASE + 8192, VM_ACC_WRITE, &f));
    assert_int_equal(m->superpages, 1);
    /* PROT_NONE keeps the page (and its contents) */
    uint32_t x = 77;
    assert_int_equal(vm_mem_write(m, BASE + 3 * 4096, &x, 4, &f), 0);
    assert_int_equal(vm_mem_protect(m, BASE + 3 * 4096, 4096, 0, &why), 0);
    assert_null(vm_mem_ptr(m, BASE + 3 * 4096, VM_ACC_READ, &f));
    assert_int_equal(f.mapped, 1);
    assert_int_equal(vm_mem_protect(m, BASE + 3 * 4096, 4096, VM_PROT_R, &why), 0);
    x = 0;
    assert_int_equal(vm_mem_read(m, BASE + 3 * 4096, &x, 4, &f), 0);
    assert_int_equal(x, 77);
    /* unmap a page in the middle of the other superpage */
    assert_int_equal(vm_mem_unmap(m, BASE + (512 + 7) * 4096ull, 4096), 0);
    assert_null(vm_mem_ptr(m, BASE + (512 + 7) * 4096ull, VM_ACC_READ, &f));
    assert_non_null(vm_mem_ptr(m, BASE + (512 + 8) * 4096ull, VM_ACC_READ, &f));
    assert_int_equal(m->superpages, 0);
    /* move (mremap) keeps contents */
    assert_int_equal(vm_mem_move(m, BASE + 3 * 4096, BASE + 4096 * 2000ull, 4096, NULL), 0);
    assert_int_equal(vm_mem_read(m, BASE + 4096 * 2000ull, &x, 4, &f), 0);
    assert_int_equal(x, 77);
    vm_mem_free(m);
}

/* a policy supplied from outside (as a script would): always evict way 0,
 * counting its calls through ud */
static size_t z_bytes(int ways) { return 0; }
static void z_init(void *st, int ways) {}
static void z_touch(void *st, int ways, int way, vm_tlb_pctx *c) { ++*(int *)c->ud; }
static int z_victim(void *st, int ways, vm_tlb_pctx *c) { return 0; }
static const vm_tlb_policy zero_policy = {"way0", z_bytes, z_init, z_touch, z_touch, z_victim};

/* The highest free window below a large mapping, and around holes in it
 * (the search used to step one page at a time under a large mapping). */
static void test_find_free(void **state)
{
    (void)state;
    const uint64_t top = 1ull << 32, M = 1ull << 20;
    for (int mode = 0; mode < 2; mode++) {
        vm_mem_config c = {.mmu = mode ? VM_MMU_SV39 : VM_MMU_BARE};
        vm_mem *m = vm_mem_new(&c, NULL);
        assert_non_null(m);
        assert_int_equal(vm_mem_map(m, top - 64 * M, 64 * M, VM_PROT_R | VM_PROT_W, 0, NULL), 0);
        assert_int_equal(vm_mem_find_free(m, 16 * M, 4096, 0, top), top - 80 * M);
        assert_int_equal(vm_mem_find_free(m, 16 * M, 2 * M, 0, top - 3 * 4096), top - 80 * M);
        assert_int_equal(vm_mem_unmap(m, top - 40 * M, 16 * M), 0); /* a hole that fits */
        assert_int_equal(vm_mem_find_free(m, 16 * M, 4096, 0, top), top - 40 * M);
        assert_int_equal(vm_mem_find_free(m, 17 * M, 4096, 0, top), top - 81 * M);
        assert_int_equal(vm_mem_find_free(m, 16 * M, 4096, top - 70 * M, top - 50 * M), 0);
        assert_int_equal(vm_mem_find_free(m, 4096, 4096, 0, top), top - 24 * M - 4096);
        vm_mem_free(m);
    }
}

static void test_custom_policy(void **state)
{
    /* A B C D E A: evicting way 0 (A) for E, then A misses; LRU would also
     * evict A. With D A E B: way-0 keeps evicting A's slot. */
    static const int seq[] = {0, 1, 2, 3, 4, 1, 2, 3, 0};
    int calls = 0;
    vm_mem *m = space("l1d=4x4:lru", VM_PAGES_4K, 8);
    assert_int_equal(vm_tlb_set_policy(m->tlb->lv[VM_TLB_L1D], &zero_policy, &calls), 0);
    vm_mem_policy_changed(m);
    assert_int_equal(m->multi, 0); /* a policy that may count hits sees every one */
    touch(m, seq, 9);
    /* fills A B C D, E replaces A (way 0), B C D hit, A replaces E: 6 misses */
    assert_int_equal(l1d_misses(m), 6);
    assert_int_equal(calls, 9); /* every hit and fill went through the policy */
    vm_mem_free(m);
}

/* The exact mode's two-page shortcut (struct vm_last in mem.h) must leave
 * the model exactly as if it saw every access: the same statistics (hits,
 * misses, evictions, walks, cycles) as with both shortcuts switched off,
 * on random access streams that keep returning to the last two pages,
 * under every built-in policy, through evictions, dirtying stores and
 * alternating fetch pages. */
static vm_mem *recent_space(const char *tlb, int how)
{
    vm_mem_config c = {.mmu = VM_MMU_SV39, .tlb = tlb};
    vm_error err;
    vm_mem *m = vm_mem_new(&c, &err);
    if (!m) fail_msg("%s", err.msg);
    assert_int_equal(vm_mem_map(m, BASE, 48 * 4096, VM_PROT_R | VM_PROT_W | VM_PROT_X, 0, &err), 0);
    if (how == 0) assert_int_equal(m->multi, 1);
    if (how >= 1) { /* no `prev` */
        m->multi = 0;
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < VM_RECENT - 2; i++) m->prev[k][i].vpn = ~0ull;
        for (int k = 0; k < 2; k++) m->second[k].vpn = ~0ull;
    }
    if (how == 2) { /* no shortcut at all: every access reaches the model */
        m->short_sizes[0] = m->short_sizes[1] = 0;
        m->use_hot = 0;
    }
    return m;
}

static void test_recent_pages_exact(void **state)
{
    static const char *const pol[] = {"lru", "plru", "fifo", "random"};
    static const char *const geo[] = {"l1i=4x4:%s,l1d=8x2:%s,l2=16x4:lru",
                                      "l1i=2x1:%s,l1d=6x6:%s,l2=8x8:%s,pwc=4x4:lru,seed=3"};
    for (int g = 0; g < 2; g++)
        for (int p = 0; p < 4; p++) {
            char spec[128], out[3][4096];
            snprintf(spec, sizeof spec, geo[g], pol[p], pol[p], pol[p]);
            vm_mem *m[3];
            for (int i = 0; i < 3; i++) m[i] = recent_space(spec, i);
            uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(g * 4 + p + 1);
            /* the last R distinct pages of each kind (more than VM_RECENT keeps),
             * most recent first */
            enum { R = VM_RECENT + 4 };
            uint64_t recent[2][R], swaps = 0;
            for (int i = 0; i < R; i++) recent[0][i] = (uint64_t)i, recent[1][i] = 40 + (uint64_t)i % 8;
            for (int n = 0; n < 40000; n++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                int k = (x >> 8) % 4 == 0; /* a quarter are fetches, from their own pages */
                unsigned r = (unsigned)(x >> 16) % 100;
                uint64_t page = r < 40   ? recent[k][0]
                                : r < 70 ? recent[k][1]
                                : r < 90 ? recent[k][1 + (x >> 24) % (R - 1)]
                                         : (k ? 40 + (x >> 32) % 8 : (x >> 32) % 40);
                int at = 0;
                while (at < R - 1 && recent[k][at] != page) at++;
                if (at > 0 && at < VM_RECENT) swaps++;
                memmove(&recent[k][1], &recent[k][0], sizeof(uint64_t) * (size_t)at);
                recent[k][0] = page;
                int acc = k ? VM_ACC_FETCH : (x >> 40) % 5 == 0 ? VM_ACC_WRITE : VM_ACC_READ;
                uint64_t va = BASE + page * 4096 + (x >> 44) % 4096 / 8 * 8;
                vm_mem_fault f;
                for (int i = 0; i < 3; i++) assert_non_null(vm_mem_ptr(m[i], va, acc, &f));
            }
            assert_true(swaps > 10000);
            /* and `prev` served them: far fewer slow accesses */
            assert_true(m[0]->tc_misses * 2 < m[1]->tc_misses);
            for (int i = 0; i < 3; i++) {
                assert_true(vm_mem_stats_json(m[i], 1, out[i], sizeof out[i]) < (int)sizeof out[i]);
                if (i) assert_string_equal(out[i], out[0]);
                vm_mem_free(m[i]);
            }
        }
}

int main(void)
{
    const struct CMUnitTest walker[] = {
        cmocka_unit_test(test_walk_leaf_4k),      cmocka_unit_test(test_walk_invalid_and_reserved),
        cmocka_unit_test(test_walk_permissions),  cmocka_unit_test(test_walk_superpages),
        cmocka_unit_test(test_walk_sv48),         cmocka_unit_test(test_walk_ad),
    };
    const struct CMUnitTest tlb[] = {
        cmocka_unit_test(test_tlb_fully_associative_lru),
        cmocka_unit_test(test_tlb_set_conflicts),
        cmocka_unit_test(test_tlb_policies_known_answers),
        cmocka_unit_test(test_tlb_superpages),
        cmocka_unit_test(test_tlb_l2_and_walks),
        cmocka_unit_test(test_shadows_match_standalone),
        cmocka_unit_test(test_fast_mode_translates_same),
        cmocka_unit_test(test_faults_and_protect),
        cmocka_unit_test(test_custom_policy),
        cmocka_unit_test(test_find_free),
        cmocka_unit_test(test_recent_pages_exact),
    };
    int rc = cmocka_run_group_tests_name("walker", walker, setup_tables, teardown_tables);
    return rc | cmocka_run_group_tests_name("tlb", tlb, NULL, NULL);
}
