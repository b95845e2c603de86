/*
 * The machine object: owns a hart (CPU state + address space), an engine and
 * the Linux personality, and runs the loop that connects them: the engine
 * runs guest code until it needs the "kernel" (a system call, a trap), the
 * machine serves that, and so on until the program ends or the instruction
 * budget is spent.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/linux_priv.h"
#include "engines/memacc.h"
#include "trace/trace_engine.h"
#include "vmlab/riscv.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *vm_engine_name(int i)
{
    for (int k = 0; vm_engines[k]; k++)
        if (k == i) return vm_engines[k]->name;
    return NULL;
}

static int no_engine(const char *name, vm_error *err)
{
    char names[128] = "";
    for (int i = 0; vm_engines[i]; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 vm_engines[i]->name);
    return vm_error_set(err, VM_EINVAL, "engine '%s': no such engine (available: %s)", name, names);
}

vm_machine *vm_machine_new(const vm_machine_config *cfg, vm_error *err)
{
    vm_machine_config def = {0};
    if (!cfg) cfg = &def;
    const char *ename = cfg->engine ? cfg->engine : "interp";
    const vm_engine_ops *eng = vm_engine_find(ename);
    if (!eng) {
        no_engine(ename, err);
        return NULL;
    }
    vm_machine *m = calloc(1, sizeof *m);
    if (!m) {
        vm_error_set(err, VM_ENOMEM, "machine: out of host memory");
        return NULL;
    }
    m->log = cfg->log ? cfg->log : stderr;
    snprintf(m->name, sizeof m->name, "%s", cfg->name ? cfg->name : "vmsh");
    m->strict = cfg->strict;
    m->lx.cwd_fd = -1;
    vm_mem_config mc = {.mmu = VM_MMU_SV39, .tlb = cfg->tlb};
    if (cfg->mmu && !strcmp(cfg->mmu, "bare")) mc.mmu = VM_MMU_BARE;
    else if (cfg->mmu && !strcmp(cfg->mmu, "sv48")) mc.mmu = VM_MMU_SV48;
    else if (cfg->mmu && strcmp(cfg->mmu, "sv39")) {
        vm_error_set(err, VM_EINVAL, "mmu '%s': expected bare, sv39 or sv48", cfg->mmu);
        goto fail;
    }
    if (cfg->tlb_mode && !strcmp(cfg->tlb_mode, "fast")) mc.tlb_mode = VM_TLBMODE_FAST;
    else if (cfg->tlb_mode && strcmp(cfg->tlb_mode, "exact")) {
        vm_error_set(err, VM_EINVAL, "tlb mode '%s': expected exact or fast", cfg->tlb_mode);
        goto fail;
    }
    if (cfg->pages && !strcmp(cfg->pages, "2m")) mc.pages = VM_PAGES_2M;
    else if (cfg->pages && !strcmp(cfg->pages, "auto")) mc.pages = VM_PAGES_AUTO;
    else if (cfg->pages && strcmp(cfg->pages, "4k")) {
        vm_error_set(err, VM_EINVAL, "pages '%s': expected 4k, 2m or auto", cfg->pages);
        goto fail;
    }
    if (cfg->ad && !strcmp(cfg->ad, "fault")) mc.ad = VM_AD_FAULT;
    else if (cfg->ad && strcmp(cfg->ad, "hw")) {
        vm_error_set(err, VM_EINVAL, "a/d mode '%s': expected hw or fault", cfg->ad);
        goto fail;
    }
    if (mc.mmu == VM_MMU_BARE && (cfg->tlb || cfg->nshadow_tlbs || (cfg->pages && mc.pages))) {
        vm_error_set(err, VM_EINVAL, "--tlb, --shadow-tlb and --pages need an MMU (sv39 or sv48), not bare");
        goto fail;
    }
    for (int i = 0; i < cfg->nshadow_tlbs && i < VM_MAX_SHADOWS; i++) mc.shadows[i] = cfg->shadow_tlbs[i];
    mc.nshadows = cfg->nshadow_tlbs;
    mc.mem_size = cfg->mem_size;
    if (!(m->hart.mem = vm_mem_new(&mc, err))) goto fail;
    if (vm_linux_init(m, cfg->sysroot, err)) goto fail;
    m->eng = eng;
    if (!(m->eng_state = eng->create(&m->hart, err))) goto fail;
    return m;
fail:
    vm_machine_free(m);
    return NULL;
}

void vm_machine_free(vm_machine *m)
{
    if (!m) return;
    if (m->tracer) vm_machine_set_tracer(m, NULL);
    if (m->eng && m->eng_state) m->eng->destroy(m->eng_state);
    vm_linux_fini(m);
    vm_mem_free(m->hart.mem);
    free(m->hart.breaks);
    free(m);
}

int vm_machine_load(vm_machine *m, const char *path, int argc, char *const argv[],
                    char *const envp[], vm_error *err)
{
    if (m->loaded)
        return vm_error_set(err, VM_EINVAL, "%s: this machine already has a program loaded", path);
    if (!realpath(path, m->lx.exe)) snprintf(m->lx.exe, sizeof m->lx.exe, "%s", path);
    snprintf(m->program, sizeof m->program, "%s", path);
    if (vm_elf_load_program(m, path, argc, argv, envp, err)) return -1;
    m->loaded = 1;
    return 0;
}

uint64_t vm_machine_insns(const vm_machine *m) { return m->hart.cpu.insns; }
const char *vm_machine_engine_name(const vm_machine *m) { return m->eng->name; }

int vm_machine_set_engine(vm_machine *m, const char *name, vm_error *err)
{
    const vm_engine_ops *eng = vm_engine_find(name);
    if (!eng) return no_engine(name, err);
    void *st = eng->create(&m->hart, err);
    if (!st) return -1;
    VM_TRACE(m->tracer, engine_switch, m->eng->name, eng->name);
    m->eng->destroy(m->eng_state);
    m->eng = eng;
    m->eng_state = st;
    return 0;
}

static const char *signame(int sig)
{
    const char *s = strsignal(sig);
    return s ? s : "unknown signal";
}

/* One line describing how the guest ended by a signal: the signal, the
 * faulting address and the pc with its disassembly. */
static void describe_signal(vm_machine *m, vm_run_result *res)
{
    vm_cpu *c = &m->hart.cpu;
    int sig = m->lx.killed_by;
    char dis[96] = "?";
    uint32_t raw = 0;
    vm_mem_fault f;
    if (!vm_mem_read(m->hart.mem, c->pc, &raw, 2, &f)) {
        if ((raw & 3) == 3) {
            uint16_t hi = 0;
            if (!vm_mem_read(m->hart.mem, c->pc + 2, &hi, 2, &f)) raw |= (uint32_t)hi << 16;
        }
        vm_rv_insn d;
        vm_rv_decode(raw, &d);
        vm_rv_disasm(&d, c->pc, 1, dis, sizeof dis);
    }
    int fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                sig == SIGTRAP;
    res->has_addr = fault && m->lx.fault_code > 0;
    res->addr = m->lx.fault_addr;
    if (res->has_addr)
        snprintf(res->msg, sizeof res->msg,
                 "guest killed by signal %d (%s): fault address 0x%llx, pc 0x%llx: %s", sig,
                 signame(sig), (unsigned long long)res->addr, (unsigned long long)c->pc, dis);
    else
        snprintf(res->msg, sizeof res->msg, "guest killed by signal %d (%s) at pc 0x%llx: %s",
                 sig, signame(sig), (unsigned long long)c->pc, dis);
}

/* A write watch stopped the engine (engines/memacc.h): retire the store it
 * made, or run the atomic again letting it through. Returns the engine stop
 * to handle as usual. */
static int watch_resume(vm_machine *m)
{
    vm_cpu *c = &m->hart.cpu;
    vm_mem *mem = m->hart.mem;
    uint64_t va = c->trap_tval, size = (uint64_t)c->trap_bus;
    if (c->trap_cause == VM_TRAP_WATCH_STORE) {
        uint16_t lo = 0;
        vm_mem_read_force(mem, c->pc, &lo, 2);
        c->pc += (lo & 3) == 3 ? 4 : 2;
        c->insns++;
        /* the event the store did not reach (every engine emits mem_*: doc/trace.md) */
        VM_TRACE(m->hart.trace, mem_write, va, vm_trace_paddr(mem, va), (unsigned)size);
        m->eng->invalidate(m->eng_state, va, size); /* the engines' SMC checks follow a store */
        return VM_STOP_BUDGET;
    }
    mem->watch_pass = 1;
    m->hart.break_resume = c->pc;
    int stop = m->eng->step(m->eng_state, &m->hart);
    mem->watch_pass = 0;
    if (stop != VM_STOP_BUDGET) mem->watch_hit = 0; /* it did not get to write */
    return stop;
}

int vm_machine_run(vm_machine *m, uint64_t max_insns, vm_run_result *res)
{
    memset(res, 0, sizeof *res);
    if (!m->loaded) {
        res->kind = VM_RUN_ERROR;
        snprintf(res->msg, sizeof res->msg, "no program loaded");
        return -1;
    }
    vm_linux *lx = &m->lx;
    vm_cpu *c = &m->hart.cpu;
    uint64_t start = c->insns;
    double t0 = now_s();
    int stopped = 0; /* VM_RUN_BREAK, VM_RUN_HOOK or VM_RUN_WATCH */
    uint64_t write_pc = 0;
    m->hart.break_resume = c->pc;
    m->hart.mem->watch_hit = 0; /* writes between runs (vm_machine_write) do not count */
    while (!lx->exited && !lx->stopped_error && !stopped) {
        uint64_t budget = UINT64_MAX;
        if (max_insns) {
            uint64_t done = c->insns - start;
            if (done >= max_insns) break;
            budget = max_insns - done;
        }
        int stop = m->eng->run(m->eng_state, &m->hart, budget);
        uint64_t at = c->pc; /* the instruction that may have written */
        if (stop == VM_STOP_TRAP && c->trap_cause >= VM_TRAP_WATCH_STORE) stop = watch_resume(m);
        if (stop == VM_STOP_ECALL) {
            at -= 4;
            uint64_t nr = c->x[17];
            VM_TRACE(m->tracer, syscall_enter, nr, vm_syscall_name(nr), c->x[10], c->x[11], c->x[12], c->x[13], c->x[14], c->x[15]);
            if (m->has_hooks && m->hooks.syscall_enter) {
                uint64_t args[6] = {c->x[10], c->x[11], c->x[12], c->x[13], c->x[14], c->x[15]};
                if (m->hooks.syscall_enter(m->hooks.ud, m, nr, args)) stopped = VM_RUN_HOOK;
            }
            uint64_t sys_t0 = vm_host_ns(), sys_tlb0 = vm_host_tlb_calls(m->hart.mem); /* host_time.h */
            vm_linux_syscall(m);
            VM_TRACE(m->tracer, syscall_exit, nr, vm_syscall_name(nr), (int64_t)c->x[10]);
            if (m->has_hooks && m->hooks.syscall_exit &&
                m->hooks.syscall_exit(m->hooks.ud, m, nr, (int64_t)c->x[10]))
                stopped = VM_RUN_HOOK;
            if (!lx->exited) vm_linux_deliver_pending(m);
            m->host.sys_ns += vm_host_ns() - sys_t0; /* host_time.h */
            m->host.sys_tlb_calls += vm_host_tlb_calls(m->hart.mem) - sys_tlb0;
            m->host.nsys++;
        } else if (stop == VM_STOP_TRAP) {
            VM_TRACE(m->tracer, trap, (uint64_t)c->trap_cause, c->trap_tval, c->pc);
            if (m->has_hooks && m->hooks.fault) {
                int code;
                uint64_t addr;
                int sig = vm_linux_trap_signal(m, &code, &addr);
                if (m->hooks.fault(m->hooks.ud, m, sig, addr, c->pc)) stopped = VM_RUN_HOOK;
            }
            vm_linux_trap(m);
        } else if (stop == VM_STOP_BREAK) {
            stopped = VM_RUN_BREAK;
        }
        if (m->hart.mem->watch_hit && !stopped) {
            stopped = VM_RUN_WATCH;
            write_pc = at;
        }
    }
    m->wall_s += now_s() - t0;
    res->pc = c->pc;
    if (lx->stopped_error) {
        res->kind = VM_RUN_ERROR;
        snprintf(res->msg, sizeof res->msg, "%s", lx->stop_msg);
    } else if (stopped == VM_RUN_WATCH && !lx->exited) {
        res->kind = stopped;
        res->has_addr = 1;
        res->addr = m->hart.mem->watch_hit_va;
        res->write_len = m->hart.mem->watch_hit_len;
        res->write_pc = write_pc;
        snprintf(res->msg, sizeof res->msg, "watchpoint: %llu-byte write at 0x%llx by pc 0x%llx",
                 (unsigned long long)res->write_len, (unsigned long long)res->addr,
                 (unsigned long long)write_pc);
    } else if (stopped && !lx->exited) {
        res->kind = stopped;
        snprintf(res->msg, sizeof res->msg, "%s at pc 0x%llx",
                 stopped == VM_RUN_BREAK ? "breakpoint" : "stopped by a hook",
                 (unsigned long long)c->pc);
    } else if (lx->exited && lx->killed_by) {
        res->kind = VM_RUN_SIGNALED;
        res->status = lx->killed_by;
        describe_signal(m, res);
    } else if (lx->exited) {
        res->kind = VM_RUN_EXITED;
        res->status = lx->exit_code;
        snprintf(res->msg, sizeof res->msg, "exited with status %d", lx->exit_code);
    } else {
        res->kind = VM_RUN_LIMIT;
        snprintf(res->msg, sizeof res->msg, "instruction limit reached after %llu instructions",
                 (unsigned long long)(c->insns - start));
    }
    if (lx->exited && !m->exit_reported) { /* once, however often the machine is run again */
        m->exit_reported = 1;
        VM_TRACE(m->tracer, exit, lx->killed_by ? -1 : (int64_t)lx->exit_code, (uint64_t)lx->killed_by,
                 c->insns);
        if (m->has_hooks && m->hooks.exit) m->hooks.exit(m->hooks.ud, m, res);
    }
    return 0;
}

int vm_machine_stats_json(vm_machine *m, char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "\"engine\": \"%s\", \"insns\": %llu, \"syscalls\": %llu, \"wall_s\": %.6f, "
                     "\"mips\": %.3f, \"mapped_pages\": %llu",
                     m->eng->name, (unsigned long long)m->hart.cpu.insns,
                     (unsigned long long)m->syscalls, m->wall_s,
                     m->wall_s > 0 ? m->hart.cpu.insns / m->wall_s / 1e6 : 0.0,
                     (unsigned long long)m->hart.mem->mapped_pages);
    if (n < 0 || (size_t)n >= size) return n;
    char eng[1024] = "";
    int k = m->eng->stats(m->eng_state, eng, sizeof eng);
    if (k > 0 && (size_t)n < size) n += snprintf(buf + n, size - (size_t)n, ", %s", eng);
    if ((size_t)n + 2 < size) {
        buf[n++] = ',';
        buf[n++] = ' ';
        k = vm_mem_stats_json(m->hart.mem, m->hart.cpu.insns, buf + n, size - (size_t)n);
        if (k > 0) n += k;
    }
    if ((size_t)n + 2 < size) { /* trace/host_time.c */
        buf[n++] = ',';
        buf[n++] = ' ';
        k = vm_host_time_json(m, buf + n, size - (size_t)n);
        if (k > 0) n += k;
    }
    return n;
}

/* {==== inspection ====================================================== */

uint64_t vm_machine_pc(const vm_machine *m) { return m->hart.cpu.pc; }
void vm_machine_set_pc(vm_machine *m, uint64_t pc) { m->hart.cpu.pc = pc & ~1ull; }
uint64_t vm_machine_x(const vm_machine *m, int r) { return r > 0 && r < 32 ? m->hart.cpu.x[r] : 0; }
void vm_machine_set_x(vm_machine *m, int r, uint64_t v)
{
    if (r > 0 && r < 32) m->hart.cpu.x[r] = v;
}
uint64_t vm_machine_f(const vm_machine *m, int r) { return r >= 0 && r < 32 ? m->hart.cpu.f[r] : 0; }
void vm_machine_set_f(vm_machine *m, int r, uint64_t v)
{
    if (r >= 0 && r < 32) m->hart.cpu.f[r] = v;
}

int vm_machine_csr(const vm_machine *m, unsigned csr, uint64_t *v)
{
    const vm_cpu *c = &m->hart.cpu;
    switch (csr) {
    case 0x001: *v = c->fflags; return 0;
    case 0x002: *v = c->frm; return 0;
    case 0x003: *v = c->frm << 5 | c->fflags; return 0;
    case 0xc00: case 0xc02: *v = c->insns; return 0;
    }
    return -1;
}

int vm_machine_set_csr(vm_machine *m, unsigned csr, uint64_t v)
{
    vm_cpu *c = &m->hart.cpu;
    switch (csr) {
    case 0x001: c->fflags = v & 0x1f; return 0;
    case 0x002: c->frm = v & 7; return 0;
    case 0x003: c->fflags = v & 0x1f; c->frm = (v >> 5) & 7; return 0;
    }
    return -1;
}

int vm_machine_read(vm_machine *m, uint64_t va, void *buf, size_t n, vm_error *err)
{
    vm_mem_fault f;
    if (vm_mem_read(m->hart.mem, va, buf, n, &f))
        return vm_error_set(err, VM_EFAULT, "guest address 0x%llx is not readable",
                            (unsigned long long)f.addr);
    return 0;
}

int vm_machine_write(vm_machine *m, uint64_t va, const void *buf, size_t n, int force,
                     vm_error *err)
{
    vm_mem_fault f = {.addr = va};
    int hit = m->hart.mem->watch_hit; /* a debugger's write is not the program's */
    int rc = force ? vm_mem_write_force(m->hart.mem, va, buf, n)
                   : vm_mem_write(m->hart.mem, va, buf, n, &f);
    m->hart.mem->watch_hit = hit;
    if (rc)
        return vm_error_set(err, VM_EFAULT, "guest address 0x%llx is not writable",
                            (unsigned long long)f.addr);
    m->eng->invalidate(m->eng_state, va, n);
    return 0;
}

int vm_machine_step(vm_machine *m, uint64_t n, vm_run_result *res)
{
    if (n == 0) n = 1;
    return vm_machine_run(m, n, res);
}

int vm_machine_break_add(vm_machine *m, uint64_t pc, vm_error *err)
{
    vm_hart *h = &m->hart;
    int i = 0;
    while (i < h->nbreak && h->breaks[i] < pc) i++;
    if (i < h->nbreak && h->breaks[i] == pc) return 0;
    uint64_t *nb = realloc(h->breaks, sizeof *nb * (size_t)(h->nbreak + 1));
    if (!nb) return vm_error_set(err, VM_ENOMEM, "breakpoint 0x%llx: out of memory",
                                 (unsigned long long)pc);
    memmove(nb + i + 1, nb + i, sizeof *nb * (size_t)(h->nbreak - i));
    nb[i] = pc;
    h->breaks = nb;
    h->nbreak++;
    m->eng->invalidate(m->eng_state, pc, 4);
    return 0;
}

int vm_machine_break_del(vm_machine *m, uint64_t pc)
{
    vm_hart *h = &m->hart;
    for (int i = 0; i < h->nbreak; i++)
        if (h->breaks[i] == pc) {
            memmove(h->breaks + i, h->breaks + i + 1, sizeof *h->breaks * (size_t)(h->nbreak - i - 1));
            h->nbreak--;
            m->eng->invalidate(m->eng_state, pc, 4);
            return 0;
        }
    return -1;
}

void vm_machine_set_hooks(vm_machine *m, const vm_hooks *h)
{
    if (h) {
        m->hooks = *h;
        m->has_hooks = 1;
    } else {
        memset(&m->hooks, 0, sizeof m->hooks);
        m->has_hooks = 0;
    }
}

void vm_machine_print_tlb(vm_machine *m, FILE *f)
{
    vm_mem *mem = m->hart.mem;
    if (mem->mode == VM_MMU_BARE) return;
    vm_mem_sync_stats(mem);
    vm_tlb_stats_print(mem->tlb, m->hart.cpu.insns, "TLB", f);
    for (int i = 0; i < mem->nshadows; i++) {
        char title[32];
        snprintf(title, sizeof title, "shadow TLB %d", i + 1);
        vm_tlb_stats_print(mem->shadow[i], m->hart.cpu.insns, title, f);
    }
}

int vm_machine_set_tlb_policy(vm_machine *m, const char *level, const struct vm_tlb_policy *p,
                              void *ud, vm_error *err)
{
    vm_mem *mem = m->hart.mem;
    if (mem->mode == VM_MMU_BARE)
        return vm_error_set(err, VM_EINVAL, "TLB policy: this machine has no MMU (bare)");
    vm_tlb *t = NULL;
    if (!strcmp(level, "pwc")) t = mem->tlb->pwc ? &mem->tlb->pwc->t : NULL;
    else
        for (int i = 0; i < VM_TLB_NLEVELS; i++)
            if (!strcmp(level, vm_tlb_level_name(i))) t = mem->tlb->lv[i];
    if (!t) return vm_error_set(err, VM_EINVAL, "TLB level '%s': not configured", level);
    if (!p || !p->state_bytes || !p->init || !p->hit || !p->fill || !p->victim)
        return vm_error_set(err, VM_EINVAL, "TLB policy for %s: incomplete operations table", level);
    vm_mem_sync_stats(mem);
    if (vm_tlb_set_policy(t, p, ud))
        return vm_error_set(err, VM_ENOMEM, "TLB policy for %s: out of memory", level);
    vm_mem_policy_changed(mem);
    return 0;
}

void vm_machine_tlb_flush(vm_machine *m) { vm_mem_flush(m->hart.mem, 0, ~0ull >> 1); }

/* {==== watchpoints, translation, physical memory ======================== */

int vm_machine_watch_add(vm_machine *m, uint64_t va, uint64_t len, vm_error *err)
{
    return vm_mem_watch_add(m->hart.mem, va, len, err);
}

int vm_machine_watch_del(vm_machine *m, uint64_t va, uint64_t len)
{
    return vm_mem_watch_del(m->hart.mem, va, len);
}

int vm_machine_translate(vm_machine *m, uint64_t va, int access, vm_translation *t, vm_error *err)
{
    vm_mem_probe p;
    memset(t, 0, sizeof *t);
    t->va = va;
    int need = access == VM_ACCESS_READ    ? VM_PROT_R
               : access == VM_ACCESS_WRITE ? VM_PROT_W
               : access == VM_ACCESS_EXEC  ? VM_PROT_X
                                           : 0;
    if (access && !need)
        return vm_error_set(err, VM_EINVAL, "access %d: expected 'r', 'w', 'x' or 0", access);
    if (vm_mem_lookup(m->hart.mem, va, &p))
        return vm_error_set(err, VM_EFAULT, "guest address 0x%llx is not mapped",
                            (unsigned long long)va);
    t->pa = p.pa;
    t->level = p.level;
    t->page_size = 1ull << (12 + 9 * p.level);
    t->r = !!(p.prot & VM_PROT_R);
    t->w = !!(p.prot & VM_PROT_W);
    t->x = !!(p.prot & VM_PROT_X);
    t->pte = p.pte;
    t->accessed = !!(p.pte & PTE_A);
    t->dirty = !!(p.pte & PTE_D);
    t->in_l1i = !!(p.in_tlb & (1u << VM_TLB_L1I));
    t->in_l1d = !!(p.in_tlb & (1u << VM_TLB_L1D));
    t->in_l2 = !!(p.in_tlb & (1u << VM_TLB_L2));
    if ((need && !(p.prot & need)) || (need && !p.has_frame))
        return vm_error_set(err, VM_EFAULT, "guest address 0x%llx is not %s",
                            (unsigned long long)va,
                            need == VM_PROT_R   ? "readable"
                            : need == VM_PROT_W ? "writable"
                                                : "executable");
    return 0;
}

int vm_machine_read_phys(vm_machine *m, uint64_t pa, void *buf, size_t n, vm_error *err)
{
    return vm_mem_phys_read(m->hart.mem, pa, buf, n, err);
}

int vm_machine_write_phys(vm_machine *m, uint64_t pa, const void *buf, size_t n, vm_error *err)
{
    if (vm_mem_phys_write(m->hart.mem, pa, buf, n, err)) return -1;
    m->eng->invalidate(m->eng_state, 0, UINT64_MAX); /* which virtual pages map it is not known */
    return 0;
}

uint64_t vm_machine_mem_size(const vm_machine *m)
{
    return m->hart.mem->mem_size;
}
