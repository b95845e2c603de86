/*
 * RV64 F and D semantics: the one definition every engine uses (the
 * interpreters call vm_fpu_exec per instruction; the JIT calls it for what it
 * does not emit natively).
 *
 * Arithmetic runs on the host's SSE unit, which is IEEE 754 like RISC-V and
 * also detects tininess after rounding: the rounding mode is loaded into
 * MXCSR for the operation and the host's exception flags become fflags.
 * What the host does differently is done here by hand: NaN results are made
 * canonical, single-precision operands are checked for NaN-boxing,
 * conversions to integers saturate, min/max/compare follow RISC-V's NaN and
 * signed-zero rules, and round-to-nearest-max-magnitude (RMM, which x86 lacks)
 * is derived by exact tie detection (round to odd in a wider format).
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "engines/fpu.h"

#define CANON_D 0x7ff8000000000000ull
#define CANON_S 0x7fc00000u
#define BOX(x)  (0xffffffff00000000ull | (uint32_t)(x))

enum { RNE, RTZ, RDN, RUP, RMM, RDYN = 7 };

/* {==== host floating-point environment ================================ */

#if defined(__x86_64__)
static inline uint32_t csr_get(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}
static inline void csr_set(uint32_t v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }

/* x86 rounding control for RNE, RTZ, RDN, RUP, RMM (RMM runs as RNE and is
 * corrected afterwards). */
static const uint32_t rc_bits[5] = {0u << 13, 3u << 13, 1u << 13, 2u << 13, 0u << 13};

static inline uint32_t env_begin(int rm)
{
    uint32_t saved = csr_get();
    /* clear flags, FTZ and DAZ; all exceptions stay masked */
    csr_set((saved & ~(0x603fu | 0x8040u)) | 0x1f80u | rc_bits[rm]);
    return saved;
}

static inline uint32_t flags_of(uint32_t a)
{
    return ((a & 1) ? VM_FF_NV : 0) | ((a & 4) ? VM_FF_DZ : 0) | ((a & 8) ? VM_FF_OF : 0) |
           ((a & 16) ? VM_FF_UF : 0) | ((a & 32) ? VM_FF_NX : 0);
}

static inline uint32_t env_end(uint32_t saved)
{
    uint32_t a = csr_get();
    csr_set(saved);
    return flags_of(a);
}

/* MXCSR accesses serialize the pipeline, so they are kept off the common
 * path: while an engine runs guest code, MXCSR holds round-to-nearest-even
 * and accumulates the guest's exception flags (sticky, as fflags are).
 * They are merged into fflags only where the guest can see fflags (CSR
 * accesses) and when the engine returns. Operations in another rounding
 * mode, and helper computations whose flags must not count, bracket
 * themselves with env_begin/env_end. */
uint32_t vm_fpu_enter(void)
{
    uint32_t host = csr_get();
    csr_set(0x1f80u); /* RNE, all exceptions masked, flags clear, no FTZ/DAZ */
    return host;
}

/* Reading MXCSR (stmxcsr) is cheap; writing it (ldmxcsr) is what stalls,
 * so a guest read of fflags folds the host flags in and leaves them set:
 * the guest's flags are always c->fflags | the host's. */
void vm_fpu_sync(vm_cpu *c)
{
    c->fflags |= flags_of(csr_get());
}

/* After a guest write of fflags: host flags that the new value lacks must
 * go, or a later operation raising them again would not be seen. Code
 * that saves the flags, compares, and restores them (GCC's inline sqrt,
 * isless...) writes back a superset of what is set, and needs no ldmxcsr. */
void vm_fpu_written(vm_cpu *c)
{
    uint32_t a = csr_get();
    if (flags_of(a) & ~c->fflags) csr_set(a & ~0x3fu);
}

void vm_fpu_leave(vm_cpu *c, uint32_t host)
{
    vm_fpu_sync(c);
    csr_set(host);
}
/* keep the compiler from moving arithmetic across the MXCSR accesses */
#define FENCE_D(v) __asm__ volatile("" : "+x"(v))
#else
#error "vmlab's FPU helpers need an x86-64 host (SSE MXCSR); port env_begin/env_end"
#endif

/* {==== bit views ======================================================= */

static inline double d_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, 8);
    return d;
}
static inline uint64_t b_of_d(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}
static inline float f_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, 4);
    return f;
}
static inline uint32_t b_of_f(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* A single in an f register is valid only if NaN-boxed. */
static inline uint32_t unbox(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : CANON_S;
}

static inline int isnan_d(uint64_t b) { return (b & 0x7fffffffffffffffull) > 0x7ff0000000000000ull; }
static inline int issnan_d(uint64_t b) { return isnan_d(b) && !(b & 0x0008000000000000ull); }
static inline int isnan_s(uint32_t b) { return (b & 0x7fffffffu) > 0x7f800000u; }
static inline int issnan_s(uint32_t b) { return isnan_s(b) && !(b & 0x00400000u); }

static inline uint64_t canon_d(double r) { return r != r ? CANON_D : b_of_d(r); }
static inline uint64_t canon_s(float r) { return r != r ? BOX(CANON_S) : BOX(b_of_f(r)); }

/* {==== RMM ============================================================
 * x86 has no round-to-nearest-max-magnitude. RMM differs from RNE only when
 * the exact result is a tie, so the operation runs in RNE (result and flags
 * are then right in every other case) and a tie is detected exactly: the
 * operation is redone in a wider format, rounded toward zero with the
 * inexact bit folded into the last place ("round to odd"). With at least two
 * more bits than the target, that value is a midpoint of two target numbers
 * only if the exact result is. Doubles use x87 extended precision (64-bit
 * significand), singles use double. */

static long double odd_ld(int op, double a, double b, double c)
{
    fenv_t env;
    feholdexcept(&env);
    fesetround(FE_TOWARDZERO);
    volatile long double la = a, lb = b, lc = c, r = 0;
    switch (op) {
    case VM_RV_FADD_D: r = la + lb; break;
    case VM_RV_FSUB_D: r = la - lb; break;
    case VM_RV_FMUL_D: r = la * lb; break;
    case VM_RV_FDIV_D: r = la / lb; break;
    case VM_RV_FSQRT_D: r = sqrtl(la); break;
    case VM_RV_FMADD_D: r = fmal(la, lb, lc); break;
    case VM_RV_FMSUB_D: r = fmal(la, lb, -lc); break;
    case VM_RV_FNMSUB_D: r = fmal(-la, lb, lc); break;
    case VM_RV_FNMADD_D: r = fmal(-la, lb, -lc); break;
    }
    long double v = r;
    int inexact = fetestexcept(FE_INEXACT);
    fesetenv(&env);
    if (inexact) {
        unsigned char bytes[sizeof(long double)];
        memcpy(bytes, &v, sizeof v);
        bytes[0] |= 1; /* x87 format: the significand's low byte comes first */
        memcpy(&v, bytes, sizeof v);
    }
    return v;
}

static double rmm_d(double r_ne, long double v)
{
    if (v == 0 || r_ne != r_ne || isinf(r_ne)) return r_ne;
    double z = (double)v;
    if (fabsl((long double)z) > fabsl(v)) z = nextafter(z, 0);
    if ((long double)z == v) return r_ne;
    double away = nextafter(z, v > 0 ? INFINITY : -INFINITY);
    if (isinf(away)) return r_ne;
    long double mid = ((long double)z + (long double)away) * 0.5L;
    return v == mid ? away : r_ne;
}

static float rmm_s(float r_ne, double v)
{
    if (v == 0 || r_ne != r_ne || isinf(r_ne)) return r_ne;
    float z = (float)v;
    if (fabs((double)z) > fabs(v)) z = nextafterf(z, 0);
    if ((double)z == v) return r_ne;
    float away = nextafterf(z, v > 0 ? INFINITY : -INFINITY);
    if (isinf(away)) return r_ne;
    double mid = ((double)z + (double)away) * 0.5;
    return v == mid ? away : r_ne;
}

/* {==== double arithmetic ============================================== */

static inline __attribute__((always_inline)) uint64_t arith_d(vm_cpu *c, int op, uint64_t ab, uint64_t bb, uint64_t cb, int rm)
{
    double a = d_of(ab), b = d_of(bb), x = d_of(cb), r = 0;
    uint32_t s = rm != RNE ? env_begin(rm) : 0;
    FENCE_D(a);
    FENCE_D(b);
    FENCE_D(x);
    switch (op) {
    case VM_RV_FADD_D: r = a + b; break;
    case VM_RV_FSUB_D: r = a - b; break;
    case VM_RV_FMUL_D: r = a * b; break;
    case VM_RV_FDIV_D: r = a / b; break;
    case VM_RV_FSQRT_D: r = __builtin_sqrt(a); break;
    case VM_RV_FMADD_D: r = fma(a, b, x); break;
    case VM_RV_FMSUB_D: r = fma(a, b, -x); break;
    case VM_RV_FNMSUB_D: r = fma(-a, b, x); break;
    case VM_RV_FNMADD_D: r = fma(-a, b, -x); break;
    }
    FENCE_D(r);
    if (rm != RNE) c->fflags |= env_end(s);
    if (rm == RMM) {
        uint32_t s2 = env_begin(RNE); /* the tie check's own flags do not count */
        r = rmm_d(r, odd_ld(op, a, b, x));
        env_end(s2);
    }
    return canon_d(r);
}

static inline __attribute__((always_inline)) uint64_t arith_s(vm_cpu *c, int op, uint64_t ab, uint64_t bb, uint64_t cb, int rm)
{
    float a = f_of(unbox(ab)), b = f_of(unbox(bb)), x = f_of(unbox(cb)), r = 0;
    uint32_t s = rm != RNE ? env_begin(rm) : 0;
    __asm__ volatile("" : "+x"(a), "+x"(b), "+x"(x));
    switch (op) {
    case VM_RV_FADD_S: r = a + b; break;
    case VM_RV_FSUB_S: r = a - b; break;
    case VM_RV_FMUL_S: r = a * b; break;
    case VM_RV_FDIV_S: r = a / b; break;
    case VM_RV_FSQRT_S: r = __builtin_sqrtf(a); break;
    case VM_RV_FMADD_S: r = fmaf(a, b, x); break;
    case VM_RV_FMSUB_S: r = fmaf(a, b, -x); break;
    case VM_RV_FNMSUB_S: r = fmaf(-a, b, x); break;
    case VM_RV_FNMADD_S: r = fmaf(-a, b, -x); break;
    }
    __asm__ volatile("" : "+x"(r));
    if (rm != RNE) c->fflags |= env_end(s);
    if (rm == RMM && r == r && !isinf(r)) {
        /* the operation in double, rounded to odd */
        double da = a, db = b, dx = x, v = 0;
        uint32_t s2 = env_begin(RTZ);
        FENCE_D(da);
        FENCE_D(db);
        FENCE_D(dx);
        switch (op) {
        case VM_RV_FADD_S: v = da + db; break;
        case VM_RV_FSUB_S: v = da - db; break;
        case VM_RV_FMUL_S: v = da * db; break;
        case VM_RV_FDIV_S: v = da / db; break;
        case VM_RV_FSQRT_S: v = __builtin_sqrt(da); break;
        case VM_RV_FMADD_S: v = fma(da, db, dx); break;
        case VM_RV_FMSUB_S: v = fma(da, db, -dx); break;
        case VM_RV_FNMSUB_S: v = fma(-da, db, dx); break;
        case VM_RV_FNMADD_S: v = fma(-da, db, -dx); break;
        }
        FENCE_D(v);
        if (env_end(s2) & VM_FF_NX) v = d_of(b_of_d(v) | 1);
        s2 = env_begin(RNE);
        r = rmm_s(r, v);
        env_end(s2);
    }
    return canon_s(r);
}

/* {==== conversions ==================================================== */

static double round_int(double v, int rm)
{
    switch (rm) {
    case RTZ: return trunc(v);
    case RDN: return floor(v);
    case RUP: return ceil(v);
    case RMM: return round(v);
    default: return roundeven(v);
    }
}

/* to integer: kind 0 w, 1 wu, 2 l, 3 lu */
static uint64_t to_int(vm_cpu *c, double v, int is_nan, int kind, int rm)
{
    static const double lo[4] = {-2147483648.0, 0.0, -9223372036854775808.0, 0.0};
    static const double hi[4] = {2147483647.0, 4294967295.0, 9223372036854775807.0,
                                 18446744073709551615.0};
    static const uint64_t min[4] = {0xffffffff80000000ull, 0, 0x8000000000000000ull, 0};
    static const uint64_t max[4] = {0x7fffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull,
                                    0xffffffffffffffffull};
    if (is_nan) {
        c->fflags |= VM_FF_NV;
        return max[kind];
    }
    /* flags are set by hand below; the host's from rounding do not count */
    uint32_t s = env_begin(RNE);
    double r = round_int(v, rm);
    env_end(s);
    /* the 64-bit bounds are not representable: compare with >= 2^63 / 2^64 */
    int over = kind >= 2 ? r >= (kind == 2 ? 9223372036854775808.0 : 18446744073709551616.0)
                         : r > hi[kind];
    if (r < lo[kind] || over) {
        c->fflags |= VM_FF_NV;
        return r < 0 ? min[kind] : max[kind];
    }
    if (r != v) c->fflags |= VM_FF_NX;
    switch (kind) {
    case 0: return (uint64_t)(int64_t)(int32_t)r;
    case 1: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    case 2: return (uint64_t)(int64_t)r;
    default: return (uint64_t)r;
    }
}

static uint64_t from_int(vm_cpu *c, uint64_t x, int kind, int dbl, int rm)
{
    uint32_t s = env_begin(rm);
    uint64_t r;
    if (dbl) {
        double d;
        switch (kind) {
        case 0: d = (double)(int32_t)x; break;
        case 1: d = (double)(uint32_t)x; break;
        case 2: d = (double)(int64_t)x; break;
        default: d = (double)x; break;
        }
        FENCE_D(d);
        r = b_of_d(d);
    } else {
        float f;
        switch (kind) {
        case 0: f = (float)(int32_t)x; break;
        case 1: f = (float)(uint32_t)x; break;
        case 2: f = (float)(int64_t)x; break;
        default: f = (float)x; break;
        }
        __asm__ volatile("" : "+x"(f));
        r = BOX(b_of_f(f));
    }
    c->fflags |= env_end(s);
    if (rm == RMM) {
        uint32_t s2 = env_begin(RNE);
        /* redo the tie decision by hand: the exact value is the integer */
        long double exact;
        switch (kind) {
        case 0: exact = (int32_t)x; break;
        case 1: exact = (uint32_t)x; break;
        case 2: exact = (int64_t)x; break;
        default: exact = x; break;
        }
        if (dbl) {
            double d = d_of(r), away = nextafter(d, exact > 0 ? INFINITY : -INFINITY);
            long double e = exact - d;
            if (e != 0 && (e > 0) == (d > 0) && fabsl(e) * 2 == fabsl((long double)away - d))
                r = b_of_d(away);
        } else {
            float f = f_of((uint32_t)r), away = nextafterf(f, exact > 0 ? INFINITY : -INFINITY);
            long double e = exact - f;
            if (e != 0 && (e > 0) == (f > 0) && fabsl(e) * 2 == fabsl((long double)away - f))
                r = BOX(b_of_f(away));
        }
        env_end(s2);
    }
    return r;
}

/* {==== classification, min/max, compare =============================== */

static uint64_t fclass(uint64_t b, int dbl)
{
    int neg, exp_all, exp_zero, frac_zero, quiet;
    if (dbl) {
        neg = b >> 63;
        exp_all = ((b >> 52) & 0x7ff) == 0x7ff;
        exp_zero = ((b >> 52) & 0x7ff) == 0;
        frac_zero = (b & 0xfffffffffffffull) == 0;
        quiet = (b >> 51) & 1;
    } else {
        uint32_t s = (uint32_t)b;
        neg = s >> 31;
        exp_all = ((s >> 23) & 0xff) == 0xff;
        exp_zero = ((s >> 23) & 0xff) == 0;
        frac_zero = (s & 0x7fffff) == 0;
        quiet = (s >> 22) & 1;
    }
    if (exp_all) {
        if (frac_zero) return neg ? 1 << 0 : 1 << 7;
        return quiet ? 1 << 9 : 1 << 8;
    }
    if (exp_zero) {
        if (frac_zero) return neg ? 1 << 3 : 1 << 4;
        return neg ? 1 << 2 : 1 << 5;
    }
    return neg ? 1 << 1 : 1 << 6;
}

/* total order on non-NaN bit patterns, with -0 < +0 */
static int less_bits(uint64_t a, uint64_t b, int dbl)
{
    int sh = dbl ? 63 : 31;
    int sa = (a >> sh) & 1, sb = (b >> sh) & 1;
    if (sa != sb) return sa > sb;
    return sa ? a > b : a < b;
}

static uint64_t minmax(vm_cpu *c, uint64_t a, uint64_t b, int dbl, int max)
{
    int na = dbl ? isnan_d(a) : isnan_s((uint32_t)a);
    int nb = dbl ? isnan_d(b) : isnan_s((uint32_t)b);
    if ((dbl ? issnan_d(a) : issnan_s((uint32_t)a)) || (dbl ? issnan_d(b) : issnan_s((uint32_t)b)))
        c->fflags |= VM_FF_NV;
    if (na && nb) return dbl ? CANON_D : CANON_S;
    if (na) return b;
    if (nb) return a;
    return less_bits(a, b, dbl) != max ? a : b;
}

/* 0 feq, 1 flt, 2 fle */
static uint64_t compare(vm_cpu *c, uint64_t a, uint64_t b, int dbl, int kind)
{
    int na = dbl ? isnan_d(a) : isnan_s((uint32_t)a);
    int nb = dbl ? isnan_d(b) : isnan_s((uint32_t)b);
    if (na || nb) {
        int sig = (dbl ? issnan_d(a) : issnan_s((uint32_t)a)) ||
                  (dbl ? issnan_d(b) : issnan_s((uint32_t)b));
        if (kind != 0 || sig) c->fflags |= VM_FF_NV;
        return 0;
    }
    /* +0 == -0 */
    uint64_t mag = dbl ? 0x7fffffffffffffffull : 0x7fffffffu;
    int eq = a == b || ((a & mag) == 0 && (b & mag) == 0);
    if (kind == 0) return eq;
    if (eq) return kind == 2;
    return less_bits(a, b, dbl);
}

/* {==== dispatch ======================================================== */

static inline int uses_rm(int op)
{
    switch (op) {
    case VM_RV_FSGNJ_S: case VM_RV_FSGNJN_S: case VM_RV_FSGNJX_S:
    case VM_RV_FSGNJ_D: case VM_RV_FSGNJN_D: case VM_RV_FSGNJX_D:
    case VM_RV_FMIN_S: case VM_RV_FMAX_S: case VM_RV_FMIN_D: case VM_RV_FMAX_D:
    case VM_RV_FEQ_S: case VM_RV_FLT_S: case VM_RV_FLE_S:
    case VM_RV_FEQ_D: case VM_RV_FLT_D: case VM_RV_FLE_D:
    case VM_RV_FMV_X_W: case VM_RV_FMV_W_X: case VM_RV_FMV_X_D: case VM_RV_FMV_D_X:
    case VM_RV_FCLASS_S: case VM_RV_FCLASS_D:
        return 0;
    }
    return 1;
}

int vm_fpu_uses_rm(int op) { return uses_rm(op); }

/* The one definition of every F/D computational op; `op` is d->op, a
 * constant in the per-op entry points below. */
static inline __attribute__((always_inline)) int exec_op(vm_cpu *c, const vm_rv_insn *d, int op)
{
    int rm = d->rm;
    if (uses_rm(op)) {
        if (rm == RDYN) rm = c->frm;
        if (rm > RMM) return -1; /* reserved rounding mode: illegal instruction */
    }
    uint64_t a = c->f[d->rs1], b = c->f[d->rs2], x3 = c->f[d->rs3];
    uint64_t xr = 0;
    int to_x = 0; /* result goes to an integer register */
    uint64_t fr = 0;

    switch (op) {
    case VM_RV_FADD_D: case VM_RV_FSUB_D: case VM_RV_FMUL_D: case VM_RV_FDIV_D:
    case VM_RV_FSQRT_D: case VM_RV_FMADD_D: case VM_RV_FMSUB_D: case VM_RV_FNMSUB_D:
    case VM_RV_FNMADD_D:
        fr = arith_d(c, op, a, b, x3, rm);
        break;
    case VM_RV_FADD_S: case VM_RV_FSUB_S: case VM_RV_FMUL_S: case VM_RV_FDIV_S:
    case VM_RV_FSQRT_S: case VM_RV_FMADD_S: case VM_RV_FMSUB_S: case VM_RV_FNMSUB_S:
    case VM_RV_FNMADD_S:
        fr = arith_s(c, op, a, b, x3, rm);
        break;

    case VM_RV_FSGNJ_D: fr = (a & ~(1ull << 63)) | (b & (1ull << 63)); break;
    case VM_RV_FSGNJN_D: fr = (a & ~(1ull << 63)) | (~b & (1ull << 63)); break;
    case VM_RV_FSGNJX_D: fr = a ^ (b & (1ull << 63)); break;
    case VM_RV_FSGNJ_S: fr = BOX((unbox(a) & 0x7fffffffu) | (unbox(b) & 0x80000000u)); break;
    case VM_RV_FSGNJN_S: fr = BOX((unbox(a) & 0x7fffffffu) | (~unbox(b) & 0x80000000u)); break;
    case VM_RV_FSGNJX_S: fr = BOX(unbox(a) ^ (unbox(b) & 0x80000000u)); break;

    case VM_RV_FMIN_D: fr = minmax(c, a, b, 1, 0); break;
    case VM_RV_FMAX_D: fr = minmax(c, a, b, 1, 1); break;
    case VM_RV_FMIN_S: fr = BOX(minmax(c, unbox(a), unbox(b), 0, 0)); break;
    case VM_RV_FMAX_S: fr = BOX(minmax(c, unbox(a), unbox(b), 0, 1)); break;

    case VM_RV_FEQ_D: to_x = 1; xr = compare(c, a, b, 1, 0); break;
    case VM_RV_FLT_D: to_x = 1; xr = compare(c, a, b, 1, 1); break;
    case VM_RV_FLE_D: to_x = 1; xr = compare(c, a, b, 1, 2); break;
    case VM_RV_FEQ_S: to_x = 1; xr = compare(c, unbox(a), unbox(b), 0, 0); break;
    case VM_RV_FLT_S: to_x = 1; xr = compare(c, unbox(a), unbox(b), 0, 1); break;
    case VM_RV_FLE_S: to_x = 1; xr = compare(c, unbox(a), unbox(b), 0, 2); break;

    case VM_RV_FCLASS_D: to_x = 1; xr = fclass(a, 1); break;
    case VM_RV_FCLASS_S: to_x = 1; xr = fclass(unbox(a), 0); break;

    case VM_RV_FMV_X_D: to_x = 1; xr = a; break;
    case VM_RV_FMV_X_W: to_x = 1; xr = (uint64_t)(int64_t)(int32_t)(uint32_t)a; break;
    case VM_RV_FMV_D_X: fr = c->x[d->rs1]; break;
    case VM_RV_FMV_W_X: fr = BOX((uint32_t)c->x[d->rs1]); break;

    case VM_RV_FCVT_W_D: case VM_RV_FCVT_WU_D: case VM_RV_FCVT_L_D: case VM_RV_FCVT_LU_D:
        to_x = 1;
        xr = to_int(c, d_of(a), isnan_d(a), op - VM_RV_FCVT_W_D, rm);
        break;
    case VM_RV_FCVT_W_S: case VM_RV_FCVT_WU_S: case VM_RV_FCVT_L_S: case VM_RV_FCVT_LU_S: {
        uint32_t s = unbox(a);
        to_x = 1;
        xr = to_int(c, (double)f_of(s), isnan_s(s), op - VM_RV_FCVT_W_S, rm);
        break;
    }
    case VM_RV_FCVT_D_W: case VM_RV_FCVT_D_WU: case VM_RV_FCVT_D_L: case VM_RV_FCVT_D_LU:
        fr = from_int(c, c->x[d->rs1], op - VM_RV_FCVT_D_W, 1, rm);
        break;
    case VM_RV_FCVT_S_W: case VM_RV_FCVT_S_WU: case VM_RV_FCVT_S_L: case VM_RV_FCVT_S_LU:
        fr = from_int(c, c->x[d->rs1], op - VM_RV_FCVT_S_W, 0, rm);
        break;
    case VM_RV_FCVT_S_D: {
        double v = d_of(a);
        uint32_t s = env_begin(rm);
        FENCE_D(v);
        float f = (float)v;
        __asm__ volatile("" : "+x"(f));
        c->fflags |= env_end(s);
        if (rm == RMM) {
            uint32_t s2 = env_begin(RNE);
            f = rmm_s(f, v);
            env_end(s2);
        }
        fr = canon_s(f);
        break;
    }
    case VM_RV_FCVT_D_S: {
        float f = f_of(unbox(a));
        uint32_t s = env_begin(rm);
        __asm__ volatile("" : "+x"(f));
        double v = (double)f;
        FENCE_D(v);
        c->fflags |= env_end(s);
        fr = canon_d(v);
        break;
    }
    default:
        return -1;
    }
    if (to_x) {
        if (d->rd) c->x[d->rd] = xr;
    } else {
        c->f[d->rd] = fr;
    }
    return 0;
}

int vm_fpu_exec(vm_cpu *c, const vm_rv_insn *d) { return exec_op(c, d, d->op); }

/* vm_fpu_exec with the op known (fpu.h): the same body, specialised */
#define FPU_OP(id)                                                                                 \
    int vm_fpu_exec_##id(vm_cpu *c, const vm_rv_insn *d)                                           \
    {                                                                                              \
        return exec_op(c, d, VM_RV_##id);                                                          \
    }
#include "engines/fpu_ops.h"
#undef FPU_OP
