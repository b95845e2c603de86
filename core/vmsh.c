/*
 * vmsh: run a riscv64 Linux program (like qemu-riscv64). Later versions add
 * the Lua REPL and scripts to the same binary; options are parsed here once.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "trace/host_time.h"
#include "trace/trace_cli.h"
#include "vmlab/engine.h"
#include "vmlab/machine.h"
#ifdef HAVE_LUA
#include "lua/vmsh_lua.h"
#endif

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmsh [OPTIONS] PROG [ARGS...]     run a riscv64 Linux program\n"
            "       vmsh [OPTIONS] [-i] SCRIPT.lua [ARGS...] | -e CODE | -   run Lua (module vmlab)\n"
            "       vmsh                              the interactive shell (a terminal on stdin)\n"
            "Run a riscv64 Linux program (static or dynamic) on vmlab's RV64GC machine.\n"
            "\n"
            "  -L DIR            sysroot for the program's interpreter and libraries\n"
            "                    (like qemu-riscv64 -L), e.g. -L /usr/riscv64-linux-gnu\n"
            "  --engine=NAME     execution engine: interp (default), threaded, jit\n"
            "  --jit-dump=FILE   jit: write each translated block, guest and host code, to FILE\n"
            "  --max-insns=N     stop after N instructions (exit status 124)\n"
            "  --stats[=FILE]    write run statistics as JSON to FILE (- for stderr);\n"
            "                    without FILE, print a TLB table to stderr at exit\n"
            "  --mmu=MODE        sv39 (default), sv48 or bare (no translation modelled)\n"
            "  --tlb=SPEC        TLB levels, e.g. l1i=32x4:lru,l1d=64x4:plru,l2=1024x8:lru\n"
            "                    (ENTRIESxWAYS:POLICY; policies lru plru fifo random; pwc=N for\n"
            "                    a page-walk cache; default: a SiFive U74-like hierarchy)\n"
            "  --shadow-tlb=SPEC another TLB configuration that observes the same accesses\n"
            "                    (repeatable; statistics under \"shadow\")\n"
            "  --tlb-mode=MODE   exact (default: every access through the TLB model) or fast\n"
            "  --pages=POLICY    4k (default), auto (2 MiB pages for large aligned mappings)\n"
            "                    or 2m (also the heap and stack)\n"
            "  --ad=MODE         hw (the walker sets A/D, default) or fault (the kernel does)\n"
            "  --strict          an unknown or unsupported system call stops the program\n"
            "  --trace=PATTERNS  trace events, e.g. syscall*,tlb_miss (vmtrace events lists them);\n"
            "                    as text on stderr unless --trace-file or --trace-lttng\n"
            "  --trace-file=F    write the events to a binary trace file (read it with vmtrace)\n"
            "  --trace-clock=C   time stamps: ns (default), coarse (cheap, ms resolution), none\n"
            "  --trace-lttng     send the events to LTTng-UST tracepoints (provider vmlab)\n"
            "  --trace-usdt      only fire the USDT probes vmlab:EVENT (bpftrace, perf)\n"
            "  --profile[=FILE]  guest profile: top functions on stderr; FILE gets folded stacks\n"
            "  --profile-period=N  sample the pc every N instructions (default 1000)\n"
            "  -h, --help        show this help\n"
            "  -V, --version     show the version\n"
            "\n"
            "The environment variable VMSH_SYSROOT (or QEMU_LD_PREFIX) is used when -L is not given.\n"
            "Exit status: the program's; 128+N if it was killed by signal N (vmsh dies by the\n"
            "same signal); 124 at --max-insns; 125 on a usage or machine error; 126 if the\n"
            "program cannot be run; 127 if it does not exist.\n");
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

static int write_stats(const char *file, vm_machine *m, const char *prog, const vm_run_result *r)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "w") : stderr;
    if (!f) {
        fprintf(stderr, "vmsh: --stats=%s: %s\n", file, strerror(errno));
        return -1;
    }
    char buf[4096];
    vm_machine_stats_json(m, buf, sizeof buf);
    fprintf(f, "{\"program\": ");
    json_str(f, prog);
    fprintf(f, ", \"exit_code\": ");
    if (r->kind == VM_RUN_EXITED) fprintf(f, "%d", r->status);
    else if (r->kind == VM_RUN_SIGNALED) fprintf(f, "%d", 128 + r->status);
    else fprintf(f, "null");
    fprintf(f, ", \"signal\": ");
    if (r->kind == VM_RUN_SIGNALED) fprintf(f, "%d", r->status);
    else fprintf(f, "null");
    static const char *const kinds[] = {"exit", "signal", "limit", "error"};
    fprintf(f, ", \"stop\": \"%s\", %s}\n", kinds[r->kind], buf);
    if (f != stderr && fclose(f)) {
        fprintf(stderr, "vmsh: --stats=%s: %s\n", file, strerror(errno));
        return -1;
    }
    return 0;
}

/* Die by the guest's signal so that a shell sees 128+N, as with qemu-user. */
static void die_by_signal(int sig)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    fflush(NULL);
    signal(sig, SIG_DFL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    raise(sig);
    /* a signal whose default action does not terminate */
    _exit(128 + sig);
}

int main(int argc, char **argv)
{
#ifdef HAVE_LUA
    int lua_status; /* Lua scripts, -e, -i and the REPL: lua/vmsh_lua.c */
    if (vmsh_lua_dispatch(argc, argv, &lua_status)) return lua_status;
#endif
    enum { OPT_ENGINE = 256, OPT_MAX, OPT_STATS, OPT_STRICT, OPT_MMU, OPT_TLB, OPT_SHADOW,
           OPT_TLBMODE, OPT_PAGES, OPT_AD,
           OPT_TRACE, OPT_TRACE_FILE, OPT_TRACE_CLOCK, OPT_TRACE_LTTNG, OPT_TRACE_USDT, OPT_PROFILE, OPT_PROFILE_PERIOD,
           OPT_JITDUMP };
    static const struct option opts[] = {
        {"engine", required_argument, 0, OPT_ENGINE}, {"max-insns", required_argument, 0, OPT_MAX},
        {"stats", optional_argument, 0, OPT_STATS},   {"strict", no_argument, 0, OPT_STRICT},
        {"mmu", required_argument, 0, OPT_MMU},       {"tlb", required_argument, 0, OPT_TLB},
        {"shadow-tlb", required_argument, 0, OPT_SHADOW},
        {"tlb-mode", required_argument, 0, OPT_TLBMODE},
        {"pages", required_argument, 0, OPT_PAGES},   {"ad", required_argument, 0, OPT_AD},
        {"trace", required_argument, 0, OPT_TRACE}, {"trace-file", required_argument, 0, OPT_TRACE_FILE},
        {"trace-lttng", no_argument, 0, OPT_TRACE_LTTNG}, {"trace-usdt", no_argument, 0, OPT_TRACE_USDT},
        {"trace-clock", required_argument, 0, OPT_TRACE_CLOCK}, {"profile", optional_argument, 0, OPT_PROFILE},
        {"profile-period", required_argument, 0, OPT_PROFILE_PERIOD},
        {"jit-dump", required_argument, 0, OPT_JITDUMP}, /* engines/jit_x86.c */
        {"help", no_argument, 0, 'h'},                {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    vm_machine_config cfg = {.engine = "interp", .name = "vmsh"};
    vm_trace_cli tcli = {0};
    const char *stats = NULL, *jit_dump = NULL;
    uint64_t max_insns = 0;
    cfg.sysroot = getenv("VMSH_SYSROOT");
    if (!cfg.sysroot) cfg.sysroot = getenv("QEMU_LD_PREFIX");
    int c;
    /* '+': options stop at the program name; its arguments are its own */
    while ((c = getopt_long(argc, argv, "+L:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'L': cfg.sysroot = optarg; break;
        case OPT_ENGINE: cfg.engine = optarg; break;
        case OPT_MAX: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 0);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                fprintf(stderr, "vmsh: --max-insns=%s: not a positive number\n", optarg);
                return 125;
            }
            max_insns = v;
            break;
        }
        case OPT_STATS: stats = optarg ? optarg : ""; break;
        case OPT_MMU: cfg.mmu = optarg; break;
        case OPT_TLB: cfg.tlb = optarg; break;
        case OPT_TLBMODE: cfg.tlb_mode = optarg; break;
        case OPT_PAGES: cfg.pages = optarg; break;
        case OPT_AD: cfg.ad = optarg; break;
        case OPT_SHADOW:
            if (cfg.nshadow_tlbs == 16) {
                fprintf(stderr, "vmsh: at most 16 --shadow-tlb configurations\n");
                return 125;
            }
            cfg.shadow_tlbs[cfg.nshadow_tlbs++] = optarg;
            break;
        case OPT_STRICT: cfg.strict = 1; break;
        case OPT_TRACE: tcli.trace = optarg; break; /* tracing: trace/trace_cli.c */
        case OPT_TRACE_FILE: tcli.file = optarg; break;
        case OPT_TRACE_CLOCK: tcli.clock = optarg; break;
        case OPT_TRACE_LTTNG: tcli.lttng = 1; break;
        case OPT_TRACE_USDT: tcli.usdt = 1; break;
        case OPT_PROFILE: tcli.profile = optarg ? optarg : ""; break;
        case OPT_PROFILE_PERIOD: tcli.period = strtoull(optarg, NULL, 0); break;
        case OPT_JITDUMP: jit_dump = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("vmsh (vmlab) %s\n", PACKAGE_VERSION); return 0;
        default: fprintf(stderr, "vmsh: try 'vmsh --help'\n"); return 125;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vmsh: no program given (the interactive shell comes in a later version); "
                        "try 'vmsh --help'\n");
        return 125;
    }
    const char *prog = argv[optind];
    vm_error err;
    vm_machine *m = vm_machine_new(&cfg, &err);
    if (!m) {
        fprintf(stderr, "vmsh: %s\n", err.msg);
        return 125;
    }
    if (jit_dump && vm_machine_engine_option(m, "dump", jit_dump, &err)) {
        fprintf(stderr, "vmsh: --jit-dump=%s: %s\n", jit_dump, err.msg);
        vm_machine_free(m);
        return 125;
    }
    if (vm_machine_load(m, prog, argc - optind, argv + optind, environ, &err)) {
        fprintf(stderr, "vmsh: %s\n", err.msg);
        vm_machine_free(m);
        return err.code == VM_EIO && access(prog, F_OK) ? 127 : 126;
    }
    vm_run_result r;
    vm_trace_cli_run(&tcli, m, prog, max_insns, &r); /* vm_machine_run with --trace/--profile */
    int status = 0;
    if (stats && !*stats) {
        vm_machine_print_tlb(m, stderr);
        vm_host_time_print(m, stderr); /* trace/host_time.c */
    }
    else if (stats && write_stats(stats, m, prog, &r)) status = 125;
    switch (r.kind) {
    case VM_RUN_EXITED:
        if (!status) status = r.status;
        break;
    case VM_RUN_LIMIT:
        fprintf(stderr, "vmsh: %s (--max-insns=%" PRIu64 ")\n", r.msg, max_insns);
        status = 124;
        break;
    case VM_RUN_ERROR: case VM_RUN_BREAK: case VM_RUN_HOOK:
        fprintf(stderr, "vmsh: %s\n", r.msg);
        status = 125;
        break;
    case VM_RUN_SIGNALED:
        fprintf(stderr, "vmsh: %s\n", r.msg);
        vm_machine_free(m);
        die_by_signal(r.status);
        return 128 + r.status;
    }
    vm_machine_free(m);
    return status;
}
