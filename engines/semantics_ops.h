/*
 * RV64GC operations, one body each: see engines/semantics.h for the idea.
 * Included (no include guard) inside an engine's dispatch with SEM_OP
 * defined; SEM_OP(id, body...) gets the op's name (VM_RV_##id) and its body.
 *
 * The including engine defines:
 *   X            uint64_t *: the integer registers (x0 is re-zeroed by the
 *                engine after each instruction)
 *   c            vm_cpu *
 *   A, B         values of rs1 and rs2 (may be evaluated lazily: bodies read
 *                them before they write rd)
 *   IMM          int64_t immediate;  RD, RS1, RS2: register numbers
 *   PC, LEN      address and length of this instruction;  OP: its op id
 *   RETIRED      instructions retired before this one (CSR cycle/instret)
 *   SET_RD(v)    write rd
 *   JUMP(t)      continue at t;  BRANCH(cond): continue at PC + IMM if cond
 *   LOAD(va, size, var)   load zero-extended into uint64_t var, or trap
 *   STORE(va, size, val)  store the low `size` bytes of val, or trap
 *   AMO_PTR(p, va, size, acc)  p = host pointer for an atomic, or trap
 *   TRAP()       stop with the trap already recorded in c->trap_*
 *   ILLEGAL()    stop with an illegal-instruction trap
 *   ECALL()      stop after this instruction for the system call
 *   FENCE_I()    instruction-stream synchronisation
 * F/D computational instructions are not here: every engine calls
 * vm_fpu_exec (engines/fpu.c) for the ops this file does not list.
 */

SEM_OP(LUI, SET_RD((uint64_t)IMM))
SEM_OP(AUIPC, SET_RD(PC + (uint64_t)IMM))
SEM_OP(JAL, uint64_t t_ = PC + (uint64_t)IMM; SET_RD(PC + LEN); JUMP(t_))
SEM_OP(JALR, uint64_t t_ = (A + (uint64_t)IMM) & ~1ull; SET_RD(PC + LEN); JUMP(t_))
SEM_OP(BEQ, BRANCH(A == B))
SEM_OP(BNE, BRANCH(A != B))
SEM_OP(BLT, BRANCH((int64_t)A < (int64_t)B))
SEM_OP(BGE, BRANCH((int64_t)A >= (int64_t)B))
SEM_OP(BLTU, BRANCH(A < B))
SEM_OP(BGEU, BRANCH(A >= B))

SEM_OP(LB, uint64_t v_; LOAD(A + IMM, 1, v_); SET_RD((uint64_t)(int64_t)(int8_t)v_))
SEM_OP(LH, uint64_t v_; LOAD(A + IMM, 2, v_); SET_RD((uint64_t)(int64_t)(int16_t)v_))
SEM_OP(LW, uint64_t v_; LOAD(A + IMM, 4, v_); SET_RD((uint64_t)vm_sx32(v_)))
SEM_OP(LD, uint64_t v_; LOAD(A + IMM, 8, v_); SET_RD(v_))
SEM_OP(LBU, uint64_t v_; LOAD(A + IMM, 1, v_); SET_RD(v_))
SEM_OP(LHU, uint64_t v_; LOAD(A + IMM, 2, v_); SET_RD(v_))
SEM_OP(LWU, uint64_t v_; LOAD(A + IMM, 4, v_); SET_RD(v_))
SEM_OP(SB, STORE(A + IMM, 1, B))
SEM_OP(SH, STORE(A + IMM, 2, B))
SEM_OP(SW, STORE(A + IMM, 4, B))
SEM_OP(SD, STORE(A + IMM, 8, B))

SEM_OP(ADDI, SET_RD(A + IMM))
SEM_OP(SLTI, SET_RD((int64_t)A < IMM))
SEM_OP(SLTIU, SET_RD(A < (uint64_t)IMM))
SEM_OP(XORI, SET_RD(A ^ IMM))
SEM_OP(ORI, SET_RD(A | IMM))
SEM_OP(ANDI, SET_RD(A & IMM))
SEM_OP(SLLI, SET_RD(A << IMM))
SEM_OP(SRLI, SET_RD(A >> IMM))
SEM_OP(SRAI, SET_RD((uint64_t)((int64_t)A >> IMM)))
SEM_OP(ADD, SET_RD(A + B))
SEM_OP(SUB, SET_RD(A - B))
SEM_OP(SLL, SET_RD(A << (B & 63)))
SEM_OP(SLT, SET_RD((int64_t)A < (int64_t)B))
SEM_OP(SLTU, SET_RD(A < B))
SEM_OP(XOR, SET_RD(A ^ B))
SEM_OP(SRL, SET_RD(A >> (B & 63)))
SEM_OP(SRA, SET_RD((uint64_t)((int64_t)A >> (B & 63))))
SEM_OP(OR, SET_RD(A | B))
SEM_OP(AND, SET_RD(A & B))
SEM_OP(ADDIW, SET_RD((uint64_t)vm_sx32(A + IMM)))
SEM_OP(SLLIW, SET_RD((uint64_t)vm_sx32((uint32_t)A << IMM)))
SEM_OP(SRLIW, SET_RD((uint64_t)vm_sx32((uint32_t)A >> IMM)))
SEM_OP(SRAIW, SET_RD((uint64_t)(int64_t)((int32_t)A >> IMM)))
SEM_OP(ADDW, SET_RD((uint64_t)vm_sx32(A + B)))
SEM_OP(SUBW, SET_RD((uint64_t)vm_sx32(A - B)))
SEM_OP(SLLW, SET_RD((uint64_t)vm_sx32((uint32_t)A << (B & 31))))
SEM_OP(SRLW, SET_RD((uint64_t)vm_sx32((uint32_t)A >> (B & 31))))
SEM_OP(SRAW, SET_RD((uint64_t)(int64_t)((int32_t)A >> (B & 31))))

SEM_OP(MUL, SET_RD(A * B))
SEM_OP(MULH, SET_RD((uint64_t)(((__int128)(int64_t)A * (int64_t)B) >> 64)))
SEM_OP(MULHSU, SET_RD((uint64_t)(((__int128)(int64_t)A * (unsigned __int128)B) >> 64)))
SEM_OP(MULHU, SET_RD((uint64_t)(((unsigned __int128)A * B) >> 64)))
SEM_OP(DIV, uint64_t a_ = A, b_ = B;
       SET_RD(b_ == 0 ? ~0ull
              : ((int64_t)a_ == INT64_MIN && (int64_t)b_ == -1) ? a_
                                                                : (uint64_t)((int64_t)a_ / (int64_t)b_)))
SEM_OP(DIVU, uint64_t a_ = A, b_ = B; SET_RD(b_ == 0 ? ~0ull : a_ / b_))
SEM_OP(REM, uint64_t a_ = A, b_ = B;
       SET_RD(b_ == 0 ? a_
              : ((int64_t)a_ == INT64_MIN && (int64_t)b_ == -1) ? 0
                                                                : (uint64_t)((int64_t)a_ % (int64_t)b_)))
SEM_OP(REMU, uint64_t a_ = A, b_ = B; SET_RD(b_ == 0 ? a_ : a_ % b_))
SEM_OP(MULW, SET_RD((uint64_t)vm_sx32(A * B)))
SEM_OP(DIVW, int32_t s1_ = (int32_t)A, s2_ = (int32_t)B;
       SET_RD(s2_ == 0 ? ~0ull : (s1_ == INT32_MIN && s2_ == -1) ? (uint64_t)(int64_t)s1_
                                                                 : (uint64_t)(int64_t)(s1_ / s2_)))
SEM_OP(DIVUW, uint32_t a_ = (uint32_t)A, b_ = (uint32_t)B;
       SET_RD(b_ == 0 ? ~0ull : (uint64_t)vm_sx32(a_ / b_)))
SEM_OP(REMW, int32_t s1_ = (int32_t)A, s2_ = (int32_t)B;
       SET_RD(s2_ == 0 ? (uint64_t)(int64_t)s1_
              : (s1_ == INT32_MIN && s2_ == -1) ? 0
                                                : (uint64_t)(int64_t)(s1_ % s2_)))
SEM_OP(REMUW, uint64_t a_ = A; uint32_t b_ = (uint32_t)B;
       SET_RD((uint64_t)(b_ == 0 ? vm_sx32(a_) : vm_sx32((uint32_t)a_ % b_))))

SEM_OP(FENCE, )
SEM_OP(FENCE_I, FENCE_I())
SEM_OP(ECALL, ECALL())
SEM_OP(EBREAK, c->trap_cause = VM_TRAP_BREAKPOINT; c->trap_tval = PC; TRAP())

/* Zicsr. fflags/frm/fcsr: the host FPU holds recent flags, so sync first. */
#define SEM_CSR_                                                                             \
    unsigned csr_ = (unsigned)IMM;                                                           \
    uint64_t src_ = OP >= VM_RV_CSRRWI ? (uint64_t)RS1 : A, old_ = 0;                       \
    int is_rw_ = OP == VM_RV_CSRRW || OP == VM_RV_CSRRWI;                                    \
    int writes_ = is_rw_ || RS1 != 0;                                                        \
    if (csr_ <= VM_CSR_FCSR) vm_fpu_sync(c);                                                 \
    /* csrrw with rd = x0 does not read */                                                   \
    if (!(is_rw_ && RD == 0) && vm_csr_read(c, csr_, RETIRED, &old_)) ILLEGAL();             \
    if (writes_) {                                                                           \
        uint64_t nv_ = is_rw_ ? src_                                                         \
                       : (OP == VM_RV_CSRRS || OP == VM_RV_CSRRSI) ? old_ | src_           \
                                                                   : old_ & ~src_;         \
        if (vm_csr_write(c, csr_, nv_)) ILLEGAL();                                           \
        if (csr_ <= VM_CSR_FCSR) vm_fpu_written(c);                                          \
    }                                                                                        \
    SET_RD(old_)
SEM_OP(CSRRW, SEM_CSR_)
SEM_OP(CSRRS, SEM_CSR_)
SEM_OP(CSRRC, SEM_CSR_)
SEM_OP(CSRRWI, SEM_CSR_)
SEM_OP(CSRRSI, SEM_CSR_)
SEM_OP(CSRRCI, SEM_CSR_)
#undef SEM_CSR_

/* A: the machine has one hart, so atomics are plain read-modify-write */
#define SEM_LR_(sz)                                                                          \
    uint64_t a_ = A, v_ = 0;                                                                 \
    void *m_;                                                                                \
    AMO_PTR(m_, a_, sz, VM_ACC_READ);                                                        \
    memcpy(&v_, m_, sz);                                                                     \
    SET_RD(sz == 4 ? (uint64_t)vm_sx32(v_) : v_);                                            \
    c->res_addr = a_;                                                                        \
    c->res_valid = 1
#define SEM_SC_(sz)                                                                          \
    uint64_t a_ = A, b_ = B;                                                                 \
    if (a_ & (sz - 1)) {                                                                     \
        c->trap_cause = VM_TRAP_STORE_MISALIGNED;                                            \
        c->trap_tval = a_;                                                                   \
        TRAP();                                                                              \
    }                                                                                        \
    if (c->res_valid && c->res_addr == a_) {                                                 \
        void *m_;                                                                            \
        AMO_PTR(m_, a_, sz, VM_ACC_WRITE);                                                   \
        memcpy(m_, &b_, sz);                                                                 \
        SET_RD(0);                                                                           \
    } else {                                                                                 \
        SET_RD(1);                                                                           \
    }                                                                                        \
    c->res_valid = 0
SEM_OP(LR_W, SEM_LR_(4))
SEM_OP(LR_D, SEM_LR_(8))
SEM_OP(SC_W, SEM_SC_(4))
SEM_OP(SC_D, SEM_SC_(8))
#undef SEM_LR_
#undef SEM_SC_

#define SEM_AMO_W_(expr)                                                                     \
    uint32_t *m_, o_, r_, s_ = (uint32_t)B;                                                  \
    void *p_;                                                                                \
    AMO_PTR(p_, A, 4, VM_ACC_WRITE);                                                         \
    m_ = p_;                                                                                 \
    memcpy(&o_, m_, 4);                                                                      \
    r_ = (expr);                                                                             \
    memcpy(m_, &r_, 4);                                                                      \
    SET_RD((uint64_t)vm_sx32(o_))
SEM_OP(AMOSWAP_W, SEM_AMO_W_(s_))
SEM_OP(AMOADD_W, SEM_AMO_W_(o_ + s_))
SEM_OP(AMOXOR_W, SEM_AMO_W_(o_ ^ s_))
SEM_OP(AMOAND_W, SEM_AMO_W_(o_ & s_))
SEM_OP(AMOOR_W, SEM_AMO_W_(o_ | s_))
SEM_OP(AMOMIN_W, SEM_AMO_W_((int32_t)o_ < (int32_t)s_ ? o_ : s_))
SEM_OP(AMOMAX_W, SEM_AMO_W_((int32_t)o_ > (int32_t)s_ ? o_ : s_))
SEM_OP(AMOMINU_W, SEM_AMO_W_(o_ < s_ ? o_ : s_))
SEM_OP(AMOMAXU_W, SEM_AMO_W_(o_ > s_ ? o_ : s_))
#undef SEM_AMO_W_
#define SEM_AMO_D_(expr)                                                                     \
    uint64_t *m_, o_, r_, s_ = B;                                                            \
    void *p_;                                                                                \
    AMO_PTR(p_, A, 8, VM_ACC_WRITE);                                                         \
    m_ = p_;                                                                                 \
    memcpy(&o_, m_, 8);                                                                      \
    r_ = (expr);                                                                             \
    memcpy(m_, &r_, 8);                                                                      \
    SET_RD(o_)
SEM_OP(AMOSWAP_D, SEM_AMO_D_(s_))
SEM_OP(AMOADD_D, SEM_AMO_D_(o_ + s_))
SEM_OP(AMOXOR_D, SEM_AMO_D_(o_ ^ s_))
SEM_OP(AMOAND_D, SEM_AMO_D_(o_ & s_))
SEM_OP(AMOOR_D, SEM_AMO_D_(o_ | s_))
SEM_OP(AMOMIN_D, SEM_AMO_D_((int64_t)o_ < (int64_t)s_ ? o_ : s_))
SEM_OP(AMOMAX_D, SEM_AMO_D_((int64_t)o_ > (int64_t)s_ ? o_ : s_))
SEM_OP(AMOMINU_D, SEM_AMO_D_(o_ < s_ ? o_ : s_))
SEM_OP(AMOMAXU_D, SEM_AMO_D_(o_ > s_ ? o_ : s_))
#undef SEM_AMO_D_

/* FP loads and stores (the computational F/D ops are vm_fpu_exec's) */
SEM_OP(FLW, uint64_t v_; LOAD(A + IMM, 4, v_); c->f[RD] = 0xffffffff00000000ull | v_)
SEM_OP(FLD, uint64_t v_; LOAD(A + IMM, 8, v_); c->f[RD] = v_)
SEM_OP(FSW, STORE(A + IMM, 4, c->f[RS2]))
SEM_OP(FSD, STORE(A + IMM, 8, c->f[RS2]))

SEM_OP(ILLEGAL, ILLEGAL())
SEM_OP(SRET, ILLEGAL())
SEM_OP(MRET, ILLEGAL())
SEM_OP(WFI, ILLEGAL())
SEM_OP(SFENCE_VMA, ILLEGAL())
