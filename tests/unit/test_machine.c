/*
 * Unit tests of the machine, ELF loader, interpreter traps and system-call
 * layer, on tiny programs assembled here by hand (no cross compiler needed),
 * and of the loader's answers to bad input.
 */
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmlab/machine.h"

/* {==== a tiny assembler ================================================ */

enum { ZERO = 0, RA = 1, SP = 2, A0 = 10, A1 = 11, A2 = 12, A7 = 17, T0 = 5 };

static uint32_t addi(int rd, int rs1, int imm)
{
    return ((uint32_t)(imm & 0xfff) << 20) | (uint32_t)rs1 << 15 | (uint32_t)rd << 7 | 0x13;
}
static uint32_t auipc(int rd, int imm20) { return ((uint32_t)imm20 << 12) | (uint32_t)rd << 7 | 0x17; }
static uint32_t ld(int rd, int rs1, int imm)
{
    return ((uint32_t)(imm & 0xfff) << 20) | (uint32_t)rs1 << 15 | 3u << 12 | (uint32_t)rd << 7 | 0x03;
}
#define ECALL 0x00000073u
#define JSELF 0x0000006fu /* jal x0, 0 */

static char tmpdir[] = "/tmp/vmlab-test-XXXXXX";

/* Write a static ELF64 riscv64 executable with one RX segment holding
 * `code` (and `data` after it) at 0x10000; returns its path. */
static const char *write_elf(const char *name, const uint32_t *code, size_t ncode,
                             const void *data, size_t ndata, void (*corrupt)(unsigned char *, size_t *))
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unsigned char buf[8192];
    memset(buf, 0, sizeof buf);
    Elf64_Ehdr *eh = (void *)buf;
    Elf64_Phdr *ph = (void *)(buf + sizeof *eh);
    size_t off = 0x1000;
    memcpy(buf + off, code, ncode * 4);
    if (data) memcpy(buf + off + ncode * 4, data, ndata);
    size_t size = off + ncode * 4 + ndata;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = 243;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x10000 + off;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof *ph;
    eh->e_phnum = 1;
    ph->p_type = PT_LOAD;
    ph->p_flags = PF_R | PF_X;
    ph->p_offset = 0;
    ph->p_vaddr = ph->p_paddr = 0x10000;
    ph->p_filesz = ph->p_memsz = size;
    ph->p_align = 0x1000;
    if (corrupt) corrupt(buf, &size);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, size, f), size);
    fclose(f);
    return path;
}

static vm_machine *load(const char *path, vm_error *err)
{
    vm_machine_config cfg = {.engine = "interp", .log = stderr};
    vm_machine *m = vm_machine_new(&cfg, err);
    if (!m) return NULL;
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {"A=1", NULL};
    if (vm_machine_load(m, path, 1, argv, envp, err)) {
        vm_machine_free(m);
        return NULL;
    }
    return m;
}

static vm_run_result run_code(const uint32_t *code, size_t n, uint64_t max)
{
    vm_error err;
    vm_machine *m = load(write_elf("prog", code, n, NULL, 0, NULL), &err);
    if (!m) fail_msg("%s", err.msg);
    vm_run_result r;
    vm_machine_run(m, max, &r);
    vm_machine_free(m);
    return r;
}

/* {==== running ========================================================== */

static void test_exit_code(void **state)
{
    uint32_t code[] = {addi(A0, ZERO, 42), addi(A7, ZERO, 93), ECALL};
    vm_run_result r = run_code(code, 3, 0);
    assert_int_equal(r.kind, VM_RUN_EXITED);
    assert_int_equal(r.status, 42);
}

static void test_exact_insn_limit(void **state)
{
    vm_error err;
    uint32_t code[] = {addi(A0, A0, 1), JSELF};
    vm_machine *m = load(write_elf("loop", code, 2, NULL, 0, NULL), &err);
    assert_non_null(m);
    vm_run_result r;
    vm_machine_run(m, 1000, &r);
    assert_int_equal(r.kind, VM_RUN_LIMIT);
    assert_int_equal(vm_machine_insns(m), 1000);
    vm_machine_run(m, 234, &r); /* a run goes on where the last stopped */
    assert_int_equal(vm_machine_insns(m), 1234);
    vm_machine_free(m);
}

static void test_illegal_instruction(void **state)
{
    uint32_t code[] = {addi(A0, ZERO, 1), 0xffffffffu};
    vm_run_result r = run_code(code, 2, 0);
    assert_int_equal(r.kind, VM_RUN_SIGNALED);
    assert_int_equal(r.status, SIGILL);
    assert_int_equal(r.pc, 0x11004);
}

static void test_segfault_on_null(void **state)
{
    uint32_t code[] = {ld(A0, ZERO, 8)};
    vm_run_result r = run_code(code, 1, 0);
    assert_int_equal(r.kind, VM_RUN_SIGNALED);
    assert_int_equal(r.status, SIGSEGV);
    assert_true(r.has_addr);
    assert_int_equal(r.addr, 8);
    assert_non_null(strstr(r.msg, "fault address 0x8"));
    assert_non_null(strstr(r.msg, "ld"));
}

static void test_store_to_code_faults(void **state)
{
    /* the code segment is R+X: a store there is a permission fault */
    uint32_t sd = (0u << 25) | (A0 << 20) | (T0 << 15) | (3u << 12) | 0x23; /* sd a0,0(t0) */
    uint32_t code[] = {auipc(T0, 0), sd};
    vm_run_result r = run_code(code, 2, 0);
    assert_int_equal(r.status, SIGSEGV);
    assert_int_equal(r.addr, 0x11000);
}

static void test_unknown_syscall_enosys(void **state)
{
    /* a0 = syscall 999 -> -ENOSYS; exit(a0) -> (-38) & 0xff */
    uint32_t code[] = {addi(A7, ZERO, 999), ECALL, addi(A7, ZERO, 93), ECALL};
    vm_run_result r = run_code(code, 4, 0);
    assert_int_equal(r.kind, VM_RUN_EXITED);
    assert_int_equal(r.status, (-38) & 0xff);
}

static void test_strict_stops(void **state)
{
    uint32_t code[] = {addi(A7, ZERO, 999), ECALL, addi(A7, ZERO, 93), ECALL};
    vm_error err;
    vm_machine_config cfg = {.strict = 1};
    vm_machine *m = vm_machine_new(&cfg, &err);
    assert_non_null(m);
    const char *p = write_elf("strict", code, 4, NULL, 0, NULL);
    char *argv[] = {(char *)p, NULL};
    assert_int_equal(vm_machine_load(m, p, 1, argv, NULL, &err), 0);
    vm_run_result r;
    vm_machine_run(m, 0, &r);
    assert_int_equal(r.kind, VM_RUN_ERROR);
    assert_non_null(strstr(r.msg, "999"));
    vm_machine_free(m);
}

static void test_write_syscall(void **state)
{
    /* write(1, msg, 6) with stdout redirected to a pipe, then exit(0) */
    const char msg[] = "hello\n";
    uint32_t code[] = {addi(A0, ZERO, 1), auipc(A1, 0), addi(A1, A1, 7 * 4 - 4),
                       addi(A2, ZERO, 6), addi(A7, ZERO, 64), ECALL,
                       addi(A0, ZERO, 0)};
    /* the data follows code[]; a1 = pc_of_auipc + (7-1)*4 */
    uint32_t prog[9];
    memcpy(prog, code, sizeof code);
    prog[7] = addi(A7, ZERO, 93);
    prog[8] = ECALL;
    /* move the message after all 9 instructions: fix the offset */
    prog[2] = addi(A1, A1, 9 * 4 - 4);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fds[1], 1);
    vm_error err;
    vm_machine *m = load(write_elf("write", prog, 9, msg, 6, NULL), &err);
    dup2(saved, 1); /* the machine has its own copy of fd 1 */
    close(saved);
    assert_non_null(m);
    vm_run_result r;
    vm_machine_run(m, 0, &r);
    vm_machine_free(m);
    close(fds[1]);
    char buf[32] = {0};
    assert_int_equal(read(fds[0], buf, sizeof buf), 6);
    close(fds[0]);
    assert_string_equal(buf, "hello\n");
    assert_int_equal(r.kind, VM_RUN_EXITED);
    assert_int_equal(r.status, 0);
}

static void test_two_machines_independent(void **state)
{
    vm_error err;
    uint32_t c1[] = {addi(A0, A0, 1), JSELF};
    vm_machine *m1 = load(write_elf("m1", c1, 2, NULL, 0, NULL), &err);
    uint32_t c2[] = {addi(A0, ZERO, 7), addi(A7, ZERO, 93), ECALL};
    vm_machine *m2 = load(write_elf("m2", c2, 3, NULL, 0, NULL), &err);
    assert_non_null(m1);
    assert_non_null(m2);
    vm_run_result r1, r2;
    vm_machine_run(m1, 500, &r1);
    vm_machine_run(m2, 0, &r2);
    vm_machine_run(m1, 500, &r1);
    assert_int_equal(r2.kind, VM_RUN_EXITED);
    assert_int_equal(r2.status, 7);
    assert_int_equal(vm_machine_insns(m1), 1000);
    assert_int_equal(vm_machine_insns(m2), 3);
    vm_machine_free(m2);
    vm_machine_free(m1);
}

static void test_unknown_engine(void **state)
{
    vm_error err;
    vm_machine_config cfg = {.engine = "warp"};
    assert_null(vm_machine_new(&cfg, &err));
    assert_non_null(strstr(err.msg, "warp"));
}

static int n_enter, n_exit, n_end;
static uint64_t last_nr;
static int on_enter(void *ud, vm_machine *m, uint64_t nr, const uint64_t args[6])
{
    n_enter++;
    last_nr = nr;
    return 0;
}
static int on_exit_sys(void *ud, vm_machine *m, uint64_t nr, int64_t ret)
{
    n_exit++;
    return nr == 999 && ret == -38; /* stop after the unknown call */
}
static void on_end(void *ud, vm_machine *m, const vm_run_result *r) { n_end++; }

static void test_hooks_breakpoints_step(void **state)
{
    vm_error err;
    /* 0: addi a0,a0,1  4: addi a7,0,999  8: ecall  12: addi a0,0,5  16: addi a7,0,93  20: ecall */
    uint32_t code[] = {addi(A0, A0, 1), addi(A7, ZERO, 999), ECALL, addi(A0, ZERO, 5),
                       addi(A7, ZERO, 93), ECALL};
    vm_machine *m = load(write_elf("hooks", code, 6, NULL, 0, NULL), &err);
    assert_non_null(m);
    uint64_t entry = vm_machine_pc(m);
    vm_hooks h = {.syscall_enter = on_enter, .syscall_exit = on_exit_sys, .exit = on_end};
    vm_machine_set_hooks(m, &h);
    vm_run_result r;
    /* step one instruction */
    vm_machine_step(m, 1, &r);
    assert_int_equal(vm_machine_pc(m), entry + 4);
    assert_int_equal(vm_machine_x(m, A0), 1);
    /* a breakpoint at entry+12 stops before it */
    assert_int_equal(vm_machine_break_add(m, entry + 12, &err), 0);
    vm_machine_run(m, 0, &r);
    /* the syscall_exit hook stops first, right after the unknown syscall */
    assert_int_equal(r.kind, VM_RUN_HOOK);
    assert_int_equal(last_nr, 999);
    assert_int_equal(vm_machine_pc(m), entry + 12);
    /* resuming at a breakpoint executes it; nothing else stops */
    vm_machine_set_x(m, 0, 77);
    assert_int_equal(vm_machine_x(m, 0), 0);
    vm_machine_run(m, 0, &r);
    assert_int_equal(r.kind, VM_RUN_EXITED);
    assert_int_equal(r.status, 5);
    assert_int_equal(n_enter, 2);
    assert_int_equal(n_exit, 2);
    assert_int_equal(n_end, 1);
    /* memory accessors */
    uint32_t word;
    assert_int_equal(vm_machine_read(m, entry, &word, 4, &err), 0);
    assert_int_equal(word, code[0]);
    assert_int_equal(vm_machine_write(m, entry, &word, 4, 0, &err), -1); /* code is read-only */
    assert_non_null(strstr(err.msg, "not writable"));
    assert_int_equal(vm_machine_write(m, entry, &word, 4, 1, &err), 0);
    assert_int_equal(vm_machine_read(m, 0, &word, 4, &err), -1);
    assert_int_equal(err.code, VM_EFAULT);
    vm_machine_free(m);
}

static void test_breakpoint_stops(void **state)
{
    vm_error err;
    uint32_t code[] = {addi(A0, A0, 1), addi(A0, A0, 1), JSELF};
    vm_machine *m = load(write_elf("bp", code, 3, NULL, 0, NULL), &err);
    uint64_t entry = vm_machine_pc(m);
    vm_machine_break_add(m, entry + 8, &err);
    vm_run_result r;
    vm_machine_run(m, 100, &r);
    assert_int_equal(r.kind, VM_RUN_BREAK);
    assert_int_equal(r.pc, entry + 8);
    assert_int_equal(vm_machine_insns(m), 2);
    vm_machine_run(m, 100, &r); /* jal to itself: stops at the breakpoint again after 1 */
    assert_int_equal(r.kind, VM_RUN_BREAK);
    assert_int_equal(vm_machine_insns(m), 3);
    assert_int_equal(vm_machine_break_del(m, entry + 8), 0);
    vm_machine_run(m, 100, &r);
    assert_int_equal(r.kind, VM_RUN_LIMIT);
    vm_machine_free(m);
}

/* {==== bad input ======================================================== */

static void expect_load_error(const char *path, const char *fragment)
{
    vm_error err = {0};
    vm_machine *m = load(path, &err);
    assert_null(m);
    if (!strstr(err.msg, fragment)) fail_msg("message '%s' lacks '%s'", err.msg, fragment);
    assert_non_null(strstr(err.msg, path));
    assert_null(strchr(err.msg, '\n'));
}

static void c_x86(unsigned char *b, size_t *n) { ((Elf64_Ehdr *)b)->e_machine = EM_X86_64; }
static void c_32bit(unsigned char *b, size_t *n) { b[EI_CLASS] = ELFCLASS32; }
static void c_trunc(unsigned char *b, size_t *n) { *n = 100; }
static void c_trunc_hdr(unsigned char *b, size_t *n) { *n = 30; }
static void c_phentsize(unsigned char *b, size_t *n) { ((Elf64_Ehdr *)b)->e_phentsize = 12; }
static void c_phoff(unsigned char *b, size_t *n) { ((Elf64_Ehdr *)b)->e_phoff = 1u << 30; }
static void c_entry(unsigned char *b, size_t *n) { ((Elf64_Ehdr *)b)->e_entry = 0x500000; }
static void c_seg_outside(unsigned char *b, size_t *n)
{
    Elf64_Phdr *ph = (void *)(b + sizeof(Elf64_Ehdr));
    ph->p_vaddr = 0xffffffffff000000ull;
}
static void c_seg_file(unsigned char *b, size_t *n)
{
    Elf64_Phdr *ph = (void *)(b + sizeof(Elf64_Ehdr));
    ph->p_filesz = ph->p_memsz = 1u << 20;
}
static void c_bigendian(unsigned char *b, size_t *n) { b[EI_DATA] = ELFDATA2MSB; }
static void c_type(unsigned char *b, size_t *n) { ((Elf64_Ehdr *)b)->e_type = ET_REL; }

static void test_bad_inputs(void **state)
{
    uint32_t code[] = {ECALL};
    expect_load_error(write_elf("x86", code, 1, NULL, 0, c_x86), "x86-64 program, not riscv64");
    expect_load_error(write_elf("elf32", code, 1, NULL, 0, c_32bit), "32-bit ELF");
    expect_load_error(write_elf("trunc", code, 1, NULL, 0, c_trunc), "outside the file");
    expect_load_error(write_elf("trunchdr", code, 1, NULL, 0, c_trunc_hdr), "truncated ELF header");
    expect_load_error(write_elf("phent", code, 1, NULL, 0, c_phentsize), "corrupt program headers");
    expect_load_error(write_elf("phoff", code, 1, NULL, 0, c_phoff), "outside the file");
    expect_load_error(write_elf("entry", code, 1, NULL, 0, c_entry), "entry point 0x500000");
    expect_load_error(write_elf("segout", code, 1, NULL, 0, c_seg_outside), "user address space");
    expect_load_error(write_elf("segfile", code, 1, NULL, 0, c_seg_file), "outside the file");
    expect_load_error(write_elf("be", code, 1, NULL, 0, c_bigendian), "big-endian");
    expect_load_error(write_elf("rel", code, 1, NULL, 0, c_type), "not an executable");

    char path[300];
    snprintf(path, sizeof path, "%s/text", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("#!/bin/sh\necho hi\n", f);
    fclose(f);
    expect_load_error(path, "not an ELF file");
    snprintf(path, sizeof path, "%s/empty", tmpdir);
    fclose(fopen(path, "w"));
    expect_load_error(path, "not an ELF file");
    expect_load_error(tmpdir, "is a directory");
    snprintf(path, sizeof path, "%s/missing", tmpdir);
    expect_load_error(path, "No such file");
}

static int setup(void **state)
{
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_code),
        cmocka_unit_test(test_exact_insn_limit),
        cmocka_unit_test(test_illegal_instruction),
        cmocka_unit_test(test_segfault_on_null),
        cmocka_unit_test(test_store_to_code_faults),
        cmocka_unit_test(test_unknown_syscall_enosys),
        cmocka_unit_test(test_strict_stops),
        cmocka_unit_test(test_write_syscall),
        cmocka_unit_test(test_two_machines_independent),
        cmocka_unit_test(test_unknown_engine),
        cmocka_unit_test(test_hooks_breakpoints_step),
        cmocka_unit_test(test_breakpoint_stops),
        cmocka_unit_test(test_bad_inputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
