/* control: a test written entirely in assembly — fences of every kind (fence with each
 * predecessor/successor set, fence.tso, fence.i), a raw write(2) through ecall, a jump
 * table through jalr, a loop nest with every branch kind, calls and returns through
 * the stack, and a computed checksum printed with printf. Nothing here depends on
 * what the C compiler emits. Exit status 0. */
	.option norvc
	.section .rodata
fmt:	.asciz "checksum %016lx calls %ld table %lx\n"
msg:	.ascii "raw write via ecall\n"
	.set msglen, . - msg
	.align 3
table:	.dword case0, case1, case2, case3

	.text
	.globl main
	.type main, @function
main:
	addi sp, sp, -48
	sd ra, 40(sp)
	sd s0, 32(sp)
	sd s1, 24(sp)
	sd s2, 16(sp)
	sd s3, 8(sp)

	fence
	fence rw, rw
	fence r, r
	fence w, w
	fence iorw, iorw
	fence i, o
	fence.tso
	fence.i

	/* write(1, msg, msglen) */
	li a0, 1
	lla a1, msg
	li a2, msglen
	li a7, 64
	ecall

	li s0, 0x9e3779b97f4a7c15	/* checksum */
	li s1, 0			/* call count */
	li s2, 0			/* jump-table accumulator */
	li s3, 0			/* outer counter */
outer:
	li t0, 0
inner:
	/* branch on every relation between t0 and s3, signed and unsigned */
	blt t0, s3, 1f
	xori s0, s0, 0x11
1:	bge t0, s3, 2f
	addi s0, s0, 3
2:	bltu s3, t0, 3f
	slli t1, s0, 7
	xor s0, s0, t1
3:	bgeu t0, s3, 4f
	srli t1, s0, 9
	xor s0, s0, t1
4:	beq t0, s3, 5f
	addi s0, s0, -1
5:	bne t0, s3, 6f
	mv a0, s0
	call mix
	mv s0, a0
6:	/* jump table indexed by (t0 + s3) & 3 */
	add t1, t0, s3
	andi t1, t1, 3
	slli t1, t1, 3
	lla t2, table
	add t2, t2, t1
	ld t2, 0(t2)
	jalr t3, 0(t2)
	addi t0, t0, 1
	li t1, 50
	bltu t0, t1, inner
	addi s3, s3, 1
	li t1, 40
	blt s3, t1, outer

	lla a0, fmt
	mv a1, s0
	mv a2, s1
	mv a3, s2
	call printf

	li a0, 0
	ld ra, 40(sp)
	ld s0, 32(sp)
	ld s1, 24(sp)
	ld s2, 16(sp)
	ld s3, 8(sp)
	addi sp, sp, 48
	ret
	.size main, .-main

/* jump-table targets return through t3 */
case0:	addi s2, s2, 1
	jr t3
case1:	slli s2, s2, 1
	jr t3
case2:	xori s2, s2, 0x5a5
	jr t3
case3:	srli t4, s2, 3
	add s2, s2, t4
	jr t3

/* a0 = mix(a0): a non-leaf function with its own frame */
	.type mix, @function
mix:
	addi sp, sp, -16
	sd ra, 8(sp)
	addi s1, s1, 1
	li t1, 0xff51afd7ed558ccd
	mul a0, a0, t1
	mulhu t2, a0, t1
	xor a0, a0, t2
	call leaf
	ld ra, 8(sp)
	addi sp, sp, 16
	ret
	.size mix, .-mix

leaf:
	srai t2, a0, 33
	xor a0, a0, t2
	addiw t2, a0, 1
	add a0, a0, t2
	ret
	.section .note.GNU-stack,"",@progbits
