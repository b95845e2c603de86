/*
 * libFuzzer harness for the ELF loader: arbitrary bytes as a program file.
 * Loading must either succeed or fail with a one-line message naming the
 * file; never crash, leak a sanitizer report or hang. Nothing is executed:
 * a fuzzed guest could make arbitrary system calls on the host.
 */
/* fuzz-sources: core/error.c core/machine.c core/elf.c core/linux.c core/linux_syscall.c engines/engine.c engines/interp.c engines/fpu.c engines/block.c engines/jit_cache.c engines/x86_emit.c mem/mem.c mem/phys.c mem/walk.c mem/tlb.c mem/tlb_lru.c mem/tlb_plru.c mem/tlb_fifo.c mem/tlb_random.c isa/riscv/decode.c isa/riscv/disasm.c isa/x86/decode.c trace/trace.c trace/trace_machine.c trace/tracefile.c trace/profile.c trace/symbols.c core/elf_symbols.c trace/lttng_load.c trace/host_time.c */
/* fuzz-linked: engines/threaded.c engines/jit_x86.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <elf.h>

#include "vmlab/machine.h"

/* A valid static riscv64 program (ecall at the entry) with a PT_INTERP
 * and a second segment: inputs whose first byte is odd are XOR-ed onto it,
 * so the fuzzer starts inside the loader's deep paths instead of at the
 * magic number. */
static size_t template_elf(unsigned char *b, size_t cap)
{
    memset(b, 0, cap);
    Elf64_Ehdr *eh = (void *)b;
    Elf64_Phdr *ph = (void *)(b + sizeof *eh);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_DYN;
    eh->e_machine = 243;
    eh->e_entry = 0x1000;
    eh->e_phoff = sizeof *eh;
    eh->e_phentsize = sizeof *ph;
    eh->e_phnum = 3;
    ph[0] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = 0,
                         .p_filesz = 0x1004, .p_memsz = 0x1004, .p_align = 0x1000};
    ph[1] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1000,
                         .p_vaddr = 0x3000, .p_filesz = 4, .p_memsz = 0x2000, .p_align = 0x1000};
    ph[2] = (Elf64_Phdr){.p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 0x200, .p_filesz = 31};
    strcpy((char *)b + 0x200, "/lib/ld-linux-riscv64-lp64d.so.1");
    ph[2].p_filesz = strlen((char *)b + 0x200) + 1;
    uint32_t ecall = 0x73;
    memcpy(b + 0x1000, &ecall, 4);
    return 0x1004;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    int fd = memfd_create("fuzz-elf", 0);
    if (fd < 0) return 0;
    static unsigned char buf[0x3000];
    if (size && (data[0] & 1)) {
        size_t n = template_elf(buf, sizeof buf);
        for (size_t i = 1; i < size && i - 1 < sizeof buf; i++) buf[i - 1] ^= data[i];
        if (size - 1 > n && size - 1 <= sizeof buf) n = size - 1;
        data = buf;
        size = n;
    }
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    static FILE *devnull;
    if (!devnull) devnull = fopen("/dev/null", "w");
    vm_machine_config cfg = {.log = devnull, .sysroot = "/usr/riscv64-linux-gnu"};
    vm_error err;
    vm_machine *m = vm_machine_new(&cfg, &err);
    if (m) {
        char *argv[] = {path, NULL};
        char *envp[] = {NULL};
        if (vm_machine_load(m, path, 1, argv, envp, &err)) {
            if (!strstr(err.msg, path) || strchr(err.msg, '\n')) abort();
        }
        vm_machine_free(m);
    }
    close(fd);
    return 0;
}
