// GENERATED DATA: executed Thumb-2 instructions by class, per unit of work, for each
// kernel loop, measured as described in README.md ("Where the counts come from").
// Toolchain: arm-none-eabi-gcc 12.2.1 (Debian 12.2.rel1), -mthumb -mfloat-abi=hard,
// -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 or -mcpu=cortex-m7 -mfpu=fpv5-sp-d16, at -Os/-O2/-O3,
// -ffunction-sections; CMSIS-NN 99f736a6 (DSP path, no MVE); TFLM 90b983c2 reference kernels
// (C++17, -fno-rtti -fno-exceptions, TF_LITE_STATIC_MEMORY, NDEBUG).
// Each string lists counts per class (keys in InstructionMix.parse); omitted classes are 0.
// ld/ru: loads and runs of back-to-back loads; ldm/ldmr, stm/stmr: LDM/POP, STM/PUSH and their
// registers; sh: ALU with a shifted operand; br/tk: branches and taken branches (calls and
// returns included); fmac/fld/fst/fdiv: VFP multiply-accumulate, load, store, divide.
// Entry and residue terms are corrections (may be negative) that make the per-loop sums match
// the executed totals exactly; see README.md.

enum KernelInstructionCounts {
    /// Build order of every `mixes` array: M4 -Os, -O2, -O3, M7 -Os, -O2, -O3.
    static let buildOrder = ["m4-Os", "m4-O2", "m4-O3", "m7-Os", "m7-O2", "m7-O3"]

    // arm_convolve_1x1_s8_fast -> arm_nn_mat_mult_nt_t_s8
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 1.6% of a run.
    static let convolve1x1Fast = MeasuredKernel(function: "arm_convolve_1x1_s8_fast -> arm_nn_mat_mult_nt_t_s8", terms: [
        // arm_nn_mat_mult_nt_t_s8, DSP path: 16-column loop for 2 output channels x 2 pixels (64 MACs: 32 SMLAD)
        MeasuredTerm("main16", .mac, [
            "ld=27 ru=15 st=3 mac=32 simd=32 alu=6 br=1 tk=1", // m4-Os
            "ld=20 ru=13 st=1 mac=32 simd=32 alu=5 br=1 tk=1", // m4-O2
            "ld=20 ru=13 st=1 mac=32 simd=32 alu=5 br=1 tk=1", // m4-O3
            "ld=27 ru=15 st=3 mac=32 simd=32 alu=6 br=1 tk=1 m7c=85", // m7-Os
            "ld=19 ru=14 mac=32 simd=32 alu=5 br=1 tk=1 m7c=66.4", // m7-O2
            "ld=19 ru=14 mac=32 simd=32 alu=5 br=1 tk=1 m7c=66.7", // m7-O3
        ]),
        // correction when the 16-column loop runs at all (rotated loop guard), per 2x2 block
        MeasuredTerm("main16_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=4 st=3 alu=4 br=-1 tk=-3", // m4-O2
            "ld=5 ru=4 st=3 alu=4 br=-1 tk=-3", // m4-O3
            "m7c=6.6", // m7-Os
            "ld=5 ru=3 st=2 alu=4 br=-1 tk=-3 m7c=2.5", // m7-O2
            "ld=5 ru=3 st=2 alu=4 br=-1 tk=-3 m7c=2.4", // m7-O3
        ]),
        // arm_nn_mat_mult_nt_t_s8: 4-column loop, 2 channels x 2 pixels (16 MACs: 8 SMLAD)
        MeasuredTerm("tail4", .mac, [
            "ld=9 ru=4 st=1 mac=8 simd=8 alu=4 br=2 tk=2", // m4-Os
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1", // m4-O2
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1", // m4-O3
            "ld=9 ru=4 st=1 mac=8 simd=8 alu=4 br=2 tk=2 m7c=26", // m7-Os
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1 m7c=23.6", // m7-O2
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1 m7c=23.7", // m7-O3
        ]),
        // correction when the 4-column loop runs, per 2x2 block
        MeasuredTerm("tail4_entry", .overhead, [
            "-", // m4-Os
            "ld=1 ru=1 ldrd=2 strd=2 alu=7 sh=2 br=-1 tk=-3", // m4-O2
            "ld=1 ru=1 ldrd=2 strd=2 alu=7 sh=2 br=-1 tk=-3", // m4-O3
            "m7c=8", // m7-Os
            "ld=3 ru=2 ldrd=1 st=2 strd=1 alu=7 sh=2 br=-1 tk=-3 m7c=7.5", // m7-O2
            "ld=3 ru=2 ldrd=1 st=2 strd=1 alu=7 sh=2 br=-1 tk=-3 m7c=8.6", // m7-O3
        ]),
        // per 2x2 block: 4 x arm_nn_requantize (64-bit multiply, rounding shift), offset, clamp, 4 byte stores, loop step
        MeasuredTerm("block2x2", .requant, [
            "ld=43 ru=30 ldrd=1 st=16 mac=4 alu=94 sh=9 it=20 br=6 tk=2", // m4-Os
            "ld=25 ru=18 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10", // m4-O2
            "ld=25 ru=18 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10", // m4-O3
            "ld=43 ru=34 ldrd=1 st=16 mac=4 alu=94 sh=9 it=20 br=6 tk=2 m7c=134.2", // m7-Os
            "ld=25 ru=21 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10 m7c=113.4", // m7-O2
            "ld=25 ru=21 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10 m7c=112.7", // m7-O3
        ]),
        // per output-channel pair, per column: lhs_offset x sum(weights) precomputation loop (2 LDRSB + 2 ADD)
        MeasuredTerm("contrib_col", .mac, [
            "ld=2 ru=2 alu=4 br=1 tk=1", // m4-Os
            "ld=2 ru=2 alu=3 br=1 tk=1", // m4-O2
            "ld=2 ru=2 alu=3 br=1 tk=1", // m4-O3
            "ld=2 ru=2 alu=4 br=1 tk=1 m7c=9", // m7-Os
            "ld=2 ru=2 alu=3 br=1 tk=1 m7c=8", // m7-O2
            "ld=2 ru=2 alu=3 br=1 tk=1 m7c=8", // m7-O3
        ]),
        // per output-channel pair: bias load, pointer setup, loop exit
        MeasuredTerm("rhs_pair", .overhead, [
            "ld=27 ru=18 st=13 mac=2 alu=18 br=7 tk=4", // m4-Os
            "ld=15 ru=12 ldrd=1 st=9 mac=2 alu=17 br=6 tk=2", // m4-O2
            "ld=18 ru=14 st=9 mac=2 alu=16 br=6 tk=2", // m4-O3
            "ld=27 ru=19 st=13 mac=2 alu=18 br=7 tk=4 m7c=64", // m7-Os
            "ld=15 ru=12 ldrd=1 st=9 mac=2 alu=17 br=6 tk=2 m7c=44", // m7-O2
            "ld=19 ru=16 st=9 mac=2 alu=17 br=6 tk=2 m7c=46.4", // m7-O3
        ]),
        // odd last pixel: 16-column loop, 2 channels x 1 pixel (32 MACs)
        MeasuredTerm("oddlhs_main16", .mac, [
            "ld=17 ru=8 st=2 mac=16 simd=24 alu=5 br=2 tk=2", // m4-Os
            "ld=12 ru=4 mac=16 simd=24 alu=4 br=1 tk=1", // m4-O2
            "ld=12 ru=4 mac=16 simd=24 alu=4 br=1 tk=1", // m4-O3
            "ld=17 ru=8 st=2 mac=16 simd=24 alu=5 br=2 tk=2 m7c=50.1", // m7-Os
            "ld=12 ru=6 mac=16 simd=24 alu=4 br=1 tk=1 m7c=47.4", // m7-O2
            "ld=12 ru=6 mac=16 simd=24 alu=4 br=1 tk=1 m7c=47.7", // m7-O3
        ]),
        // odd last pixel: 16-column loop entry correction
        MeasuredTerm("oddlhs_main16_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=2 ldrd=2 st=1 strd=2 alu=1 br=-1 tk=-3", // m4-O2
            "ld=6 ru=1 ldrd=1 st=2 strd=1 alu=1 br=-1 tk=-3", // m4-O3
            "m7c=7.3", // m7-Os
            "ld=5 ru=3 ldrd=2 st=1 strd=2 alu=1 br=-1 tk=-3 m7c=2.8", // m7-O2
            "ld=4 ru=2 ldrd=2 strd=2 alu=1 br=-1 tk=-3 m7c=1.8", // m7-O3
        ]),
        // odd last pixel: 4-column loop (8 MACs)
        MeasuredTerm("oddlhs_tail4", .mac, [
            "ld=8 ru=6 st=3 mac=4 simd=6 alu=4 br=2 tk=2", // m4-Os
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1", // m4-O2
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1", // m4-O3
            "ld=8 ru=6 st=3 mac=4 simd=6 alu=4 br=2 tk=2 m7c=22.1", // m7-Os
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1 m7c=15.2", // m7-O2
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1 m7c=15.8", // m7-O3
        ]),
        // odd last pixel: 4-column loop entry correction
        MeasuredTerm("oddlhs_tail4_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=3 ldrd=2 st=2 strd=3 alu=7 sh=2 br=-1 tk=-3", // m4-O2
            "ld=4 ru=3 ldrd=2 st=3 strd=2 alu=7 sh=2 br=-1 tk=-3", // m4-O3
            "m7c=6.9", // m7-Os
            "ld=3 ru=3 ldrd=3 st=2 strd=3 alu=7 sh=2 br=-1 tk=-3 m7c=8.2", // m7-O2
            "ld=4 ru=4 ldrd=2 st=3 strd=2 alu=7 sh=2 br=-1 tk=-3 m7c=6.1", // m7-O3
        ]),
        // odd last pixel: 2 requantized outputs
        MeasuredTerm("oddlhs_block", .requant, [
            "ld=31 ru=17 st=3 mac=2 alu=53 sh=6 it=10 br=3 tk=-1", // m4-Os
            "ld=20 ru=13 st=2 mac=2 alu=47 sh=6 it=8 br=8 tk=7", // m4-O2
            "ld=20 ru=13 st=2 mac=2 alu=47 sh=6 it=8 br=8 tk=7", // m4-O3
            "ld=31 ru=22 st=3 mac=2 alu=52 sh=7 it=11 br=3 tk=-1 m7c=82.9", // m7-Os
            "ld=20 ru=17 st=2 mac=2 alu=43 sh=8 it=8 br=8 tk=7 m7c=74.2", // m7-O2
            "ld=20 ru=17 st=2 mac=2 alu=43 sh=8 it=8 br=8 tk=7 m7c=74.5", // m7-O3
        ]),
        // odd last output channel: scalar MAC loop, per MAC
        MeasuredTerm("oddrhs_mac", .mac, [
            "ld=5 ru=2 mac=1 alu=3 br=2 tk=2", // m4-Os
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1", // m4-O2
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1", // m4-O3
            "ld=5 ru=2 mac=1 alu=3 br=2 tk=2 m7c=12", // m7-Os
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1 m7c=4", // m7-O2
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1 m7c=4", // m7-O3
        ]),
        // odd last output channel: requantize one output
        MeasuredTerm("oddrhs_out", .requant, [
            "ld=10 ru=9 st=2 mac=1 alu=27 sh=4 it=5 br=4 tk=2", // m4-Os
            "ld=10 ru=9 st=1 mac=1 alu=27 sh=3 it=4 br=4", // m4-O2
            "ld=10 ru=9 st=1 mac=1 alu=27 sh=3 it=4 br=4", // m4-O3
            "ld=10 ru=10 st=2 mac=1 alu=28 sh=3 it=5 br=4 tk=2 m7c=45.8", // m7-Os
            "ld=10 ru=9 st=1 mac=1 alu=26 sh=4 it=4 br=4 m7c=47.4", // m7-O2
            "ld=10 ru=9 st=1 mac=1 alu=26 sh=4 it=4 br=4 m7c=47.8", // m7-O3
        ]),
        // odd last output channel: setup
        MeasuredTerm("oddrhs", .overhead, [
            "ld=11 ru=10 st=1 mac=1 alu=16 sh=4 it=3 br=1 tk=-1", // m4-Os
            "ld=6 ru=4 st=2 alu=5 sh=3 br=1 tk=-2", // m4-O2
            "ld=5 ru=2 st=2 alu=5 sh=3 br=1 tk=-2", // m4-O3
            "ld=11 ru=11 st=1 mac=1 alu=17 sh=3 it=3 br=1 tk=-1 m7c=32.5", // m7-Os
            "ld=5 ru=4 st=3 alu=5 sh=3 br=1 tk=-2 m7c=3.9", // m7-O2
            "ld=4 ru=3 ldrd=1 st=3 alu=5 sh=3 br=1 tk=-2 m7c=3.8", // m7-O3
        ]),
        // correction per channel pair when at least one pixel pair exists
        MeasuredTerm("rhs_pair_lhs_entry", .overhead, [
            "-", // m4-Os
            "ld=8 ru=5 ldrd=1 st=6 strd=2 alu=8 br=-1 tk=-3", // m4-O2
            "ld=7 ru=4 ldrd=1 st=5 strd=2 alu=6 br=-1 tk=-3", // m4-O3
            "m7c=5.1", // m7-Os
            "ld=8 ru=6 ldrd=1 st=6 strd=2 alu=8 br=-1 tk=-3 m7c=18.9", // m7-O2
            "ld=7 ru=5 ldrd=1 st=5 strd=2 alu=6 br=-1 tk=-3 m7c=16.9", // m7-O3
        ]),
        // correction per channel pair when columns >= 16
        MeasuredTerm("rhs_pair_main_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=-0.9", // m7-Os
            "m7c=-0.5", // m7-O2
            "m7c=-0.3", // m7-O3
        ]),
        // correction per channel pair when a 4-column tail exists
        MeasuredTerm("rhs_pair_tail_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=0.1", // m7-Os
            "m7c=0.4", // m7-O2
            "m7c=0.1", // m7-O3
        ]),
        // odd last output channel: correction when columns >= 16
        MeasuredTerm("oddrhs_main_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=-1", // m7-Os
            "m7c=0.3", // m7-O2
            "m7c=0.6", // m7-O3
        ]),
        // scalar column tail, 1 leftover column, per 2x2 block
        MeasuredTerm("tail1_r1", .mac, [
            "ld=5 ru=2 mac=4 alu=2 br=2 tk=2", // m4-Os
            "ld=8 ru=6 mac=4 alu=9 br=1 tk=-1", // m4-O2
            "ld=7 ru=4 mac=4 alu=4 br=1", // m4-O3
            "ld=5 ru=3 mac=4 alu=2 br=2 tk=2 m7c=23", // m7-Os
            "ld=8 ru=6 mac=4 alu=9 br=1 tk=-1 m7c=16.9", // m7-O2
            "ld=7 ru=4 mac=4 alu=4 br=1 m7c=16.6", // m7-O3
        ]),
        // odd last pixel: scalar tail, 1 column
        MeasuredTerm("oddlhs_tail1_r1", .mac, [
            "ld=5 ru=2 st=2 mac=2 alu=2 br=2 tk=2", // m4-Os
            "ld=4 ru=3 ldrd=1 strd=1 mac=2 alu=5 br=1 tk=-1", // m4-O2
            "ld=7 ru=3 st=2 mac=2 alu=2 br=1", // m4-O3
            "ld=5 ru=3 st=2 mac=2 alu=2 br=2 tk=2 m7c=20", // m7-Os
            "ld=4 ru=3 ldrd=1 strd=1 mac=2 alu=5 br=1 tk=-1 m7c=11.4", // m7-O2
            "ld=7 ru=3 st=2 mac=2 alu=2 br=1 m7c=13.5", // m7-O3
        ]),
        // scalar column tail, 2 leftover columns, per 2x2 block
        MeasuredTerm("tail1_r2", .mac, [
            "ld=10 ru=4 mac=8 alu=4 br=4 tk=4", // m4-Os
            "ld=12 ru=8 mac=8 alu=10 br=2", // m4-O2
            "ld=13 ru=8 mac=8 alu=8 br=2", // m4-O3
            "ld=10 ru=6 mac=8 alu=4 br=4 tk=4 m7c=39", // m7-Os
            "ld=12 ru=8 mac=8 alu=10 br=2 m7c=33.4", // m7-O2
            "ld=13 ru=8 mac=8 alu=8 br=2 m7c=29.8", // m7-O3
        ]),
        // odd last pixel: scalar tail, 2 columns
        MeasuredTerm("oddlhs_tail1_r2", .mac, [
            "ld=10 ru=4 st=4 mac=4 alu=4 br=4 tk=4", // m4-Os
            "ld=7 ru=5 ldrd=1 strd=1 mac=4 alu=6 br=2", // m4-O2
            "ld=11 ru=7 st=4 mac=4 alu=5 br=2", // m4-O3
            "ld=10 ru=6 st=4 mac=4 alu=4 br=4 tk=4 m7c=32.1", // m7-Os
            "ld=7 ru=5 ldrd=1 strd=1 mac=4 alu=6 br=2 m7c=25", // m7-O2
            "ld=11 ru=7 st=4 mac=4 alu=5 br=2 m7c=24", // m7-O3
        ]),
        // scalar column tail, 3 leftover columns, per 2x2 block
        MeasuredTerm("tail1_r3", .mac, [
            "ld=15 ru=6 mac=12 alu=6 br=6 tk=6", // m4-Os
            "ld=16 ru=10 mac=12 alu=11 br=3 tk=1", // m4-O2
            "ld=18 ru=11 mac=12 alu=10 br=3", // m4-O3
            "ld=15 ru=9 mac=12 alu=6 br=6 tk=6 m7c=55", // m7-Os
            "ld=16 ru=10 mac=12 alu=11 br=3 tk=1 m7c=42.4", // m7-O2
            "ld=18 ru=11 mac=12 alu=10 br=3 m7c=41.9", // m7-O3
        ]),
        // odd last pixel: scalar tail, 3 columns
        MeasuredTerm("oddlhs_tail1_r3", .mac, [
            "ld=15 ru=6 st=6 mac=6 alu=6 br=6 tk=6", // m4-Os
            "ld=10 ru=7 ldrd=1 strd=1 mac=6 alu=7 br=3 tk=1", // m4-O2
            "ld=15 ru=10 st=6 mac=6 alu=7 br=3", // m4-O3
            "ld=15 ru=9 st=6 mac=6 alu=6 br=6 tk=6 m7c=44", // m7-Os
            "ld=10 ru=7 ldrd=1 strd=1 mac=6 alu=7 br=3 tk=1 m7c=33.1", // m7-O2
            "ld=15 ru=11 st=6 mac=6 alu=7 br=3 m7c=34.3", // m7-O3
        ]),
        // function entry/exit, argument set-up
        MeasuredTerm("call", .overhead, [
            "ld=30 ru=22 ldrd=1 ldm=2 ldmr=13 st=24 strd=2 stm=2 stmr=13 mac=3 alu=22 sh=3 it=1 br=7 tk=4", // m4-Os
            "ld=28 ru=20 ldrd=7 ldm=2 ldmr=12 st=27 strd=2 stm=2 stmr=12 mac=4 alu=44 sh=3 br=7 tk=2", // m4-O2
            "ld=29 ru=20 ldrd=6 ldm=2 ldmr=12 st=27 strd=2 stm=2 stmr=12 mac=4 alu=46 sh=3 br=7 tk=2", // m4-O3
            "ld=30 ru=24 ldrd=1 ldm=2 ldmr=13 st=24 strd=2 stm=2 stmr=13 mac=3 alu=22 sh=3 it=1 br=7 tk=4 m7c=87.3", // m7-Os
            "ld=23 ru=19 ldrd=6 ldm=3 ldmr=15 st=29 strd=1 stm=2 stmr=12 mac=4 alu=44 sh=4 br=7 tk=2 m7c=107.6", // m7-O2
            "ld=22 ru=19 ldrd=6 ldm=3 ldmr=15 st=29 strd=1 stm=2 stmr=12 mac=4 alu=45 sh=3 br=7 tk=2 m7c=109.9", // m7-O3
        ]),
    ])

    // arm_convolve_1x1_s8 -> arm_nn_mat_mult_nt_t_s8 once per output row
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 3.9% of a run.
    static let convolve1x1Strided = MeasuredKernel(function: "arm_convolve_1x1_s8 -> arm_nn_mat_mult_nt_t_s8 once per output row", terms: [
        // arm_nn_mat_mult_nt_t_s8, DSP path: 16-column loop for 2 output channels x 2 pixels (64 MACs: 32 SMLAD)
        MeasuredTerm("main16", .mac, [
            "ld=27 ru=15 st=3 mac=32 simd=32 alu=6 br=1 tk=1", // m4-Os
            "ld=20 ru=13 st=1 mac=32 simd=32 alu=5 br=1 tk=1", // m4-O2
            "ld=20 ru=13 st=1 mac=32 simd=32 alu=5 br=1 tk=1", // m4-O3
            "ld=27 ru=15 st=3 mac=32 simd=32 alu=6 br=1 tk=1 m7c=85", // m7-Os
            "ld=19 ru=14 mac=32 simd=32 alu=5 br=1 tk=1 m7c=66", // m7-O2
            "ld=19 ru=14 mac=32 simd=32 alu=5 br=1 tk=1 m7c=66.2", // m7-O3
        ]),
        // correction when the 16-column loop runs at all (rotated loop guard), per 2x2 block
        MeasuredTerm("main16_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=4 st=3 alu=4 br=-1 tk=-3", // m4-O2
            "ld=5 ru=4 st=3 alu=4 br=-1 tk=-3", // m4-O3
            "m7c=7", // m7-Os
            "ld=5 ru=3 st=2 alu=4 br=-1 tk=-3 m7c=2.2", // m7-O2
            "ld=5 ru=3 st=2 alu=4 br=-1 tk=-3 m7c=2.2", // m7-O3
        ]),
        // arm_nn_mat_mult_nt_t_s8: 4-column loop, 2 channels x 2 pixels (16 MACs: 8 SMLAD)
        MeasuredTerm("tail4", .mac, [
            "ld=9 ru=4 st=1 mac=8 simd=8 alu=4 br=2 tk=2", // m4-Os
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1", // m4-O2
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1", // m4-O3
            "ld=9 ru=4 st=1 mac=8 simd=8 alu=4 br=2 tk=2 m7c=26", // m7-Os
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1 m7c=23.9", // m7-O2
            "ld=5 ru=3 mac=8 simd=8 alu=2 br=1 tk=1 m7c=23.9", // m7-O3
        ]),
        // correction when the 4-column loop runs, per 2x2 block
        MeasuredTerm("tail4_entry", .overhead, [
            "-", // m4-Os
            "ld=1 ru=1 ldrd=2 strd=2 alu=7 sh=2 br=-1 tk=-3", // m4-O2
            "ld=1 ru=1 ldrd=2 strd=2 alu=7 sh=2 br=-1 tk=-3", // m4-O3
            "m7c=8", // m7-Os
            "ld=3 ru=2 ldrd=1 st=2 strd=1 alu=7 sh=2 br=-1 tk=-3 m7c=5.8", // m7-O2
            "ld=3 ru=2 ldrd=1 st=2 strd=1 alu=7 sh=2 br=-1 tk=-3 m7c=6.7", // m7-O3
        ]),
        // per 2x2 block: 4 x arm_nn_requantize (64-bit multiply, rounding shift), offset, clamp, 4 byte stores, loop step
        MeasuredTerm("block2x2", .requant, [
            "ld=43 ru=30 ldrd=1 st=16 mac=4 alu=94 sh=9 it=20 br=6 tk=2", // m4-Os
            "ld=25 ru=18 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10", // m4-O2
            "ld=25 ru=18 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10", // m4-O3
            "ld=43 ru=34 ldrd=1 st=16 mac=4 alu=94 sh=9 it=20 br=6 tk=2 m7c=133.9", // m7-Os
            "ld=25 ru=21 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10 m7c=118.7", // m7-O2
            "ld=25 ru=21 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10 m7c=118.3", // m7-O3
        ]),
        // per output-channel pair, per column: lhs_offset x sum(weights) precomputation loop (2 LDRSB + 2 ADD)
        MeasuredTerm("contrib_col", .mac, [
            "ld=2 ru=2 alu=4 br=1 tk=1", // m4-Os
            "ld=2 ru=2 alu=3 br=1 tk=1", // m4-O2
            "ld=2 ru=2 alu=3 br=1 tk=1", // m4-O3
            "ld=2 ru=2 alu=4 br=1 tk=1 m7c=9", // m7-Os
            "ld=2 ru=2 alu=3 br=1 tk=1 m7c=8.1", // m7-O2
            "ld=2 ru=2 alu=3 br=1 tk=1 m7c=8.1", // m7-O3
        ]),
        // per output-channel pair: bias load, pointer setup, loop exit
        MeasuredTerm("rhs_pair", .overhead, [
            "ld=27 ru=18 st=13 mac=2 alu=18 br=7 tk=4", // m4-Os
            "ld=15 ru=12 ldrd=1 st=9 mac=2 alu=17 br=6 tk=2", // m4-O2
            "ld=18 ru=14 st=9 mac=2 alu=16 br=6 tk=2", // m4-O3
            "ld=27 ru=19 st=13 mac=2 alu=18 br=7 tk=4 m7c=62.9", // m7-Os
            "ld=15 ru=12 ldrd=1 st=9 mac=2 alu=17 br=6 tk=2 m7c=46.8", // m7-O2
            "ld=19 ru=16 st=9 mac=2 alu=17 br=6 tk=2 m7c=49.5", // m7-O3
        ]),
        // odd last pixel: 16-column loop, 2 channels x 1 pixel (32 MACs)
        MeasuredTerm("oddlhs_main16", .mac, [
            "ld=17 ru=8 st=2 mac=16 simd=24 alu=5 br=2 tk=2", // m4-Os
            "ld=12 ru=4 mac=16 simd=24 alu=4 br=1 tk=1", // m4-O2
            "ld=12 ru=4 mac=16 simd=24 alu=4 br=1 tk=1", // m4-O3
            "ld=17 ru=8 st=2 mac=16 simd=24 alu=5 br=2 tk=2 m7c=50.1", // m7-Os
            "ld=12 ru=6 mac=16 simd=24 alu=4 br=1 tk=1 m7c=47.9", // m7-O2
            "ld=12 ru=6 mac=16 simd=24 alu=4 br=1 tk=1 m7c=48", // m7-O3
        ]),
        // odd last pixel: 16-column loop entry correction
        MeasuredTerm("oddlhs_main16_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=2 ldrd=2 st=1 strd=2 alu=1 br=-1 tk=-3", // m4-O2
            "ld=6 ru=1 ldrd=1 st=2 strd=1 alu=1 br=-1 tk=-3", // m4-O3
            "m7c=7.1", // m7-Os
            "ld=5 ru=3 ldrd=2 st=1 strd=2 alu=1 br=-1 tk=-3 m7c=5.2", // m7-O2
            "ld=4 ru=2 ldrd=2 strd=2 alu=1 br=-1 tk=-3 m7c=3.9", // m7-O3
        ]),
        // odd last pixel: 4-column loop (8 MACs)
        MeasuredTerm("oddlhs_tail4", .mac, [
            "ld=8 ru=6 st=3 mac=4 simd=6 alu=4 br=2 tk=2", // m4-Os
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1", // m4-O2
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1", // m4-O3
            "ld=8 ru=6 st=3 mac=4 simd=6 alu=4 br=2 tk=2 m7c=22", // m7-Os
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1 m7c=15", // m7-O2
            "ld=3 ru=1 mac=4 simd=6 alu=1 br=1 tk=1 m7c=15.5", // m7-O3
        ]),
        // odd last pixel: 4-column loop entry correction
        MeasuredTerm("oddlhs_tail4_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=3 ldrd=2 st=2 strd=3 alu=7 sh=2 br=-1 tk=-3", // m4-O2
            "ld=4 ru=3 ldrd=2 st=3 strd=2 alu=7 sh=2 br=-1 tk=-3", // m4-O3
            "m7c=6.9", // m7-Os
            "ld=3 ru=3 ldrd=3 st=2 strd=3 alu=7 sh=2 br=-1 tk=-3 m7c=13.3", // m7-O2
            "ld=4 ru=4 ldrd=2 st=3 strd=2 alu=7 sh=2 br=-1 tk=-3 m7c=10.9", // m7-O3
        ]),
        // odd last pixel: 2 requantized outputs
        MeasuredTerm("oddlhs_block", .requant, [
            "ld=31 ru=17 st=3 mac=2 alu=53 sh=6 it=10 br=3 tk=-1", // m4-Os
            "ld=20 ru=13 st=2 mac=2 alu=47 sh=6 it=8 br=8 tk=7", // m4-O2
            "ld=20 ru=13 st=2 mac=2 alu=47 sh=6 it=8 br=8 tk=7", // m4-O3
            "ld=31 ru=22 st=3 mac=2 alu=52 sh=7 it=11 br=3 tk=-1 m7c=84.3", // m7-Os
            "ld=20 ru=17 st=2 mac=2 alu=43 sh=8 it=8 br=8 tk=7 m7c=68.4", // m7-O2
            "ld=20 ru=17 st=2 mac=2 alu=43 sh=8 it=8 br=8 tk=7 m7c=69.2", // m7-O3
        ]),
        // odd last output channel: scalar MAC loop, per MAC
        MeasuredTerm("oddrhs_mac", .mac, [
            "ld=5 ru=2 mac=1 alu=3 br=2 tk=2", // m4-Os
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1", // m4-O2
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1", // m4-O3
            "ld=5 ru=2 mac=1 alu=3 br=2 tk=2 m7c=12", // m7-Os
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1 m7c=4", // m7-O2
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1 m7c=4", // m7-O3
        ]),
        // odd last output channel: requantize one output
        MeasuredTerm("oddrhs_out", .requant, [
            "ld=10 ru=9 st=2 mac=1 alu=27 sh=4 it=5 br=4 tk=2", // m4-Os
            "ld=10 ru=9 st=1 mac=1 alu=27 sh=3 it=4 br=4", // m4-O2
            "ld=10 ru=9 st=1 mac=1 alu=27 sh=3 it=4 br=4", // m4-O3
            "ld=10 ru=10 st=2 mac=1 alu=28 sh=3 it=5 br=4 tk=2 m7c=46.2", // m7-Os
            "ld=10 ru=9 st=1 mac=1 alu=26 sh=4 it=4 br=4 m7c=47.4", // m7-O2
            "ld=10 ru=9 st=1 mac=1 alu=26 sh=4 it=4 br=4 m7c=47.5", // m7-O3
        ]),
        // odd last output channel: setup
        MeasuredTerm("oddrhs", .overhead, [
            "ld=11 ru=10 st=1 mac=1 alu=16 sh=4 it=3 br=1 tk=-1", // m4-Os
            "ld=6 ru=4 st=2 alu=5 sh=3 br=1 tk=-2", // m4-O2
            "ld=5 ru=2 st=2 alu=5 sh=3 br=1 tk=-2", // m4-O3
            "ld=11 ru=11 st=1 mac=1 alu=17 sh=3 it=3 br=1 tk=-1 m7c=33.6", // m7-Os
            "ld=5 ru=4 st=3 alu=5 sh=3 br=1 tk=-2 m7c=14.3", // m7-O2
            "ld=4 ru=3 ldrd=1 st=3 alu=5 sh=3 br=1 tk=-2 m7c=15.5", // m7-O3
        ]),
        // correction per channel pair when at least one pixel pair exists
        MeasuredTerm("rhs_pair_lhs_entry", .overhead, [
            "-", // m4-Os
            "ld=8 ru=5 ldrd=1 st=6 strd=2 alu=8 br=-1 tk=-3", // m4-O2
            "ld=7 ru=4 ldrd=1 st=5 strd=2 alu=6 br=-1 tk=-3", // m4-O3
            "m7c=5.9", // m7-Os
            "ld=8 ru=6 ldrd=1 st=6 strd=2 alu=8 br=-1 tk=-3 m7c=11.1", // m7-O2
            "ld=7 ru=5 ldrd=1 st=5 strd=2 alu=6 br=-1 tk=-3 m7c=8.8", // m7-O3
        ]),
        // correction per channel pair when columns >= 16
        MeasuredTerm("rhs_pair_main_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=-0.6", // m7-Os
            "m7c=-1.9", // m7-O2
            "m7c=-1.8", // m7-O3
        ]),
        // correction per channel pair when a 4-column tail exists
        MeasuredTerm("rhs_pair_tail_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=0.1", // m7-Os
            "m7c=1.1", // m7-O2
            "m7c=1.1", // m7-O3
        ]),
        // odd last output channel: correction when columns >= 16
        MeasuredTerm("oddrhs_main_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=-0.3", // m7-Os
            "m7c=0.3", // m7-O2
            "m7c=0.1", // m7-O3
        ]),
        // arm_convolve_1x1_s8: one arm_nn_mat_mult_nt_t_s8 call per output row
        MeasuredTerm("row_call", .overhead, [
            "ld=28 ru=23 ldm=1 ldmr=9 st=27 strd=1 stm=1 stmr=9 mac=1 alu=22 sh=3 it=1 br=6 tk=6", // m4-Os
            "ld=26 ru=20 ldrd=4 ldm=1 ldmr=9 st=25 strd=3 stm=1 stmr=9 mac=2 alu=45 sh=3 br=5 tk=3", // m4-O2
            "ld=27 ru=20 ldrd=3 ldm=1 ldmr=9 st=25 strd=3 stm=1 stmr=9 mac=2 alu=47 sh=3 br=5 tk=3", // m4-O3
            "ld=28 ru=26 ldm=1 ldmr=9 st=27 strd=1 stm=1 stmr=9 mac=1 alu=22 sh=3 it=1 br=6 tk=6 m7c=69.2", // m7-Os
            "ld=21 ru=19 ldrd=3 ldm=2 ldmr=12 st=25 strd=3 stm=1 stmr=9 mac=2 alu=44 sh=4 br=5 tk=3 m7c=73.8", // m7-O2
            "ld=20 ru=19 ldrd=3 ldm=2 ldmr=12 st=25 strd=3 stm=1 stmr=9 mac=2 alu=45 sh=3 br=5 tk=3 m7c=73", // m7-O3
        ]),
        // scalar column tail, 1 leftover column, per 2x2 block
        MeasuredTerm("tail1_r1", .mac, [
            "ld=5 ru=2 mac=4 alu=2 br=2 tk=2", // m4-Os
            "ld=8 ru=6 mac=4 alu=9 br=1 tk=-1", // m4-O2
            "ld=7 ru=4 mac=4 alu=4 br=1", // m4-O3
            "ld=5 ru=3 mac=4 alu=2 br=2 tk=2 m7c=23", // m7-Os
            "ld=8 ru=6 mac=4 alu=9 br=1 tk=-1 m7c=16.7", // m7-O2
            "ld=7 ru=4 mac=4 alu=4 br=1 m7c=15.9", // m7-O3
        ]),
        // odd last pixel: scalar tail, 1 column
        MeasuredTerm("oddlhs_tail1_r1", .mac, [
            "ld=5 ru=2 st=2 mac=2 alu=2 br=2 tk=2", // m4-Os
            "ld=4 ru=3 ldrd=1 strd=1 mac=2 alu=5 br=1 tk=-1", // m4-O2
            "ld=7 ru=3 st=2 mac=2 alu=2 br=1", // m4-O3
            "ld=5 ru=3 st=2 mac=2 alu=2 br=2 tk=2 m7c=20.1", // m7-Os
            "ld=4 ru=3 ldrd=1 strd=1 mac=2 alu=5 br=1 tk=-1 m7c=11.9", // m7-O2
            "ld=7 ru=3 st=2 mac=2 alu=2 br=1 m7c=12.6", // m7-O3
        ]),
        // scalar column tail, 2 leftover columns, per 2x2 block
        MeasuredTerm("tail1_r2", .mac, [
            "ld=10 ru=4 mac=8 alu=4 br=4 tk=4", // m4-Os
            "ld=12 ru=8 mac=8 alu=10 br=2", // m4-O2
            "ld=13 ru=8 mac=8 alu=8 br=2", // m4-O3
            "ld=10 ru=6 mac=8 alu=4 br=4 tk=4 m7c=39", // m7-Os
            "ld=12 ru=8 mac=8 alu=10 br=2 m7c=34", // m7-O2
            "ld=13 ru=8 mac=8 alu=8 br=2 m7c=29.7", // m7-O3
        ]),
        // odd last pixel: scalar tail, 2 columns
        MeasuredTerm("oddlhs_tail1_r2", .mac, [
            "ld=10 ru=4 st=4 mac=4 alu=4 br=4 tk=4", // m4-Os
            "ld=7 ru=5 ldrd=1 strd=1 mac=4 alu=6 br=2", // m4-O2
            "ld=11 ru=7 st=4 mac=4 alu=5 br=2", // m4-O3
            "ld=10 ru=6 st=4 mac=4 alu=4 br=4 tk=4 m7c=32.1", // m7-Os
            "ld=7 ru=5 ldrd=1 strd=1 mac=4 alu=6 br=2 m7c=28", // m7-O2
            "ld=11 ru=7 st=4 mac=4 alu=5 br=2 m7c=24.4", // m7-O3
        ]),
        // scalar column tail, 3 leftover columns, per 2x2 block
        MeasuredTerm("tail1_r3", .mac, [
            "ld=15 ru=6 mac=12 alu=6 br=6 tk=6", // m4-Os
            "ld=16 ru=10 mac=12 alu=11 br=3 tk=1", // m4-O2
            "ld=18 ru=11 mac=12 alu=10 br=3", // m4-O3
            "ld=15 ru=9 mac=12 alu=6 br=6 tk=6 m7c=55", // m7-Os
            "ld=16 ru=10 mac=12 alu=11 br=3 tk=1 m7c=42.5", // m7-O2
            "ld=18 ru=11 mac=12 alu=10 br=3 m7c=41.1", // m7-O3
        ]),
        // odd last pixel: scalar tail, 3 columns
        MeasuredTerm("oddlhs_tail1_r3", .mac, [
            "ld=15 ru=6 st=6 mac=6 alu=6 br=6 tk=6", // m4-Os
            "ld=10 ru=7 ldrd=1 strd=1 mac=6 alu=7 br=3 tk=1", // m4-O2
            "ld=15 ru=10 st=6 mac=6 alu=7 br=3", // m4-O3
            "ld=15 ru=9 st=6 mac=6 alu=6 br=6 tk=6 m7c=44", // m7-Os
            "ld=10 ru=7 ldrd=1 strd=1 mac=6 alu=7 br=3 tk=1 m7c=34.7", // m7-O2
            "ld=15 ru=11 st=6 mac=6 alu=7 br=3 m7c=33.3", // m7-O3
        ]),
        // function entry/exit, argument set-up
        MeasuredTerm("call", .overhead, [
            "ld=14 ru=11 ldrd=3 ldm=1 ldmr=9 st=7 stm=1 stmr=9 mac=6 alu=15 br=6 tk=2", // m4-Os
            "ld=14 ru=9 ldrd=3 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 mac=6 alu=16 br=6 tk=3", // m4-O2
            "ld=14 ru=9 ldrd=3 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 mac=6 alu=16 br=6 tk=3", // m4-O3
            "ld=14 ru=13 ldrd=3 ldm=1 ldmr=9 st=7 stm=1 stmr=9 mac=6 alu=15 br=6 tk=2 m7c=60.1", // m7-Os
            "ld=14 ru=10 ldrd=3 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 mac=6 alu=16 br=6 tk=3 m7c=53", // m7-O2
            "ld=14 ru=10 ldrd=3 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 mac=6 alu=16 br=6 tk=3 m7c=56.1", // m7-O3
        ]),
    ])

    // arm_convolve_s8 -> arm_s8_to_s16_unordered_with_offset, arm_nn_mat_mult_kernel_s8_s16 (memcpy/memset excluded)
    // Instruction counts: decomposition approximate, largest miss 6 instructions (0.3% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 4.3% of a run.
    static let convolveIm2col = MeasuredKernel(function: "arm_convolve_s8 -> arm_s8_to_s16_unordered_with_offset, arm_nn_mat_mult_kernel_s8_s16 (memcpy/memset excluded)", terms: [
        // arm_convolve_s8 im2col: per filter tap inside the input (address, bounds test, call to memcpy; memcpy body modelled separately)
        MeasuredTerm("tap_copy", .im2col, [
            "ld=11 ru=7 st=2 alu=9 br=5 tk=4", // m4-Os
            "ld=3 ru=3 alu=11 br=5 tk=4", // m4-O2
            "ld=2 ru=2 ldrd=0.2 st=-0.2 strd=0.2 alu=9.6 br=4 tk=2", // m4-O3
            "ld=11 ru=10 st=2 alu=9 br=5 tk=4 m7c=17.9", // m7-Os
            "ld=3 ru=3 alu=10 br=5 tk=4 m7c=2.8", // m7-O2
            "ld=3 ru=3 alu=10 br=5 tk=4 m7c=2.2", // m7-O3
        ]),
        // im2col: per filter tap in a padded row (memset call; body modelled separately)
        MeasuredTerm("tap_pad_y", .im2col, [
            "ld=9 ru=6 st=2 alu=8 br=3 tk=3", // m4-Os
            "ld=2 ru=2 alu=9 br=3 tk=3", // m4-O2
            "ld=0.3 ru=-0.3 ldrd=-0.6 st=0.6 strd=-0.6 alu=7 br=2 tk=1.7", // m4-O3
            "ld=9 ru=9 st=2 alu=8 br=3 tk=3 m7c=18.6", // m7-Os
            "ld=3 ru=3 alu=9 br=4 tk=2 m7c=7.5", // m7-O2
            "ld=3 ru=3 alu=9 br=4 tk=2 m7c=7", // m7-O3
        ]),
        // im2col: per filter tap in a padded column (memset call)
        MeasuredTerm("tap_pad_x", .im2col, [
            "ld=11 ru=7 st=2 alu=9 br=4 tk=2", // m4-Os
            "ld=3 ru=3 alu=10 br=4 tk=2", // m4-O2
            "ld=2 ru=2 ldrd=0.3 st=-0.3 strd=0.3 alu=8.6 br=3 tk=2", // m4-O3
            "ld=11 ru=10 st=2 alu=9 br=4 tk=2 m7c=25.7", // m7-Os
            "ld=2 ru=2 alu=8 br=3 tk=3 m7c=7.3", // m7-O2
            "ld=2 ru=2 alu=8 br=3 tk=3 m7c=6.7", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=10 ru=6 st=5 alu=6 br=4 tk=3", // m4-Os
            "ld=13 ru=7 st=6 mac=3 alu=11 br=2", // m4-O2
            "ld=12 ru=6 st=7 mac=3 alu=9 br=2", // m4-O3
            "ld=10 ru=7 st=5 alu=6 br=4 tk=3 m7c=25", // m7-Os
            "ld=11.8 ru=9.8 ldrd=1 st=7 mac=3 alu=14.7 br=1.7 tk=0.2 m7c=27.8", // m7-O2
            "ld=11.7 ru=9.7 st=6 mac=3 alu=15.7 br=1.7 tk=0.3 m7c=27", // m7-O3
        ]),
        // im2col: per output pixel and filter row
        MeasuredTerm("pixel_krow", .im2col, [
            "ld=6 ru=6 st=2 alu=8 br=4 tk=3", // m4-Os
            "ld=6 ru=5 ldrd=1 st=1 strd=1 alu=8 br=2", // m4-O2
            "ld=6.4 ru=5.6 ldrd=1 st=1 strd=1 alu=13.3 br=4 tk=2.6", // m4-O3
            "ld=6 ru=6 st=2 alu=8 br=4 tk=3 m7c=24.2", // m7-Os
            "ld=7.7 ru=5.7 ldrd=1 st=3 strd=1 alu=20.7 it=1 br=1.7 tk=0.4 m7c=61.1", // m7-O2
            "ld=5.7 ru=5.7 ldrd=2 st=1 strd=2 alu=10.7 it=1 br=1.7 tk=0.3 m7c=59.8", // m7-O3
        ]),
        // per output pixel: arm_s8_to_s16_unordered_with_offset call, column bookkeeping
        MeasuredTerm("pixel", .im2col, [
            "ld=27 ru=18 ldm=1 ldmr=6 st=5 stm=1 stmr=6 mac=2 simd=1 alu=32 sh=3 it=1 br=10 tk=3", // m4-Os
            "ld=25 ru=15 ldrd=1 ldm=1 ldmr=5 st=11 stm=1 stmr=5 simd=1 alu=28 it=1 br=11 tk=6", // m4-O2
            "ld=24.6 ru=15.4 ldrd=2.7 ldm=1 ldmr=5 st=9.3 strd=2.7 stm=1 stmr=5 simd=1 alu=27 it=1 br=11 tk=6.4", // m4-O3
            "ld=27 ru=23 ldm=1 ldmr=6 st=5 stm=1 stmr=6 mac=2 simd=1 alu=32 sh=3 it=1 br=10 tk=3 m7c=78.5", // m7-Os
            "ld=31.5 ru=24.5 ldm=1 ldmr=5 st=12 strd=1 stm=1 stmr=5 simd=2 alu=28.5 it=1 br=10.5 tk=5.5 m7c=50.5", // m7-O2
            "ld=29.5 ru=24.5 ldm=1 ldmr=5 st=14 stm=1 stmr=5 simd=2 alu=27.5 it=1 br=10.5 tk=5.5 m7c=44.2", // m7-O3
        ]),
        // arm_s8_to_s16_unordered_with_offset: 4 int8 -> 4 int16 + offset (LDR, 2 SXTAB16, 2 STR)
        MeasuredTerm("s2s_quad", .im2col, [
            "ld=1 ru=1 st=2 simd=2 alu=3 sh=1 br=2 tk=2", // m4-Os
            "ld=1 ru=1 st=2 simd=2 alu=2 sh=1 br=1 tk=1", // m4-O2
            "ld=1 ru=1 st=2 simd=2 alu=2 sh=1 br=1 tk=1", // m4-O3
            "ld=1 ru=1 st=2 simd=2 alu=3 sh=1 br=2 tk=2 m7c=6", // m7-Os
            "ld=1 ru=1 st=2 simd=2 alu=2 sh=1 br=1 tk=1 m7c=5.1", // m7-O2
            "ld=1 ru=1 st=2 simd=2 alu=2 sh=1 br=1 tk=1 m7c=5.1", // m7-O3
        ]),
        // s8->s16 scalar tail, 1 element
        MeasuredTerm("s2s_tail_r1", .im2col, [
            "ld=1 ru=1 st=1 alu=3 br=2 tk=2", // m4-Os
            "ld=1 ru=1 st=1 simd=1 alu=3 br=1 tk=-1", // m4-O2
            "ld=1 ru=1 st=1 simd=1 alu=2 br=1", // m4-O3
            "ld=1 ru=1 st=1 alu=3 br=2 tk=2 m7c=12.4", // m7-Os
            "ld=1 ru=1 st=1 simd=1 alu=3 br=1 tk=-1 m7c=8.5", // m7-O2
            "ld=1 ru=1 st=1 simd=1 alu=2 br=1 m7c=4.8", // m7-O3
        ]),
        // s8->s16 scalar tail, 2 elements
        MeasuredTerm("s2s_tail_r2", .im2col, [
            "ld=2 ru=2 st=2 alu=6 br=4 tk=4", // m4-Os
            "ld=2 ru=2 st=2 simd=1 alu=5 br=2", // m4-O2
            "ld=2 ru=2 ldrd=-0.3 st=2.3 strd=-0.3 simd=1 alu=4.5 br=2", // m4-O3
            "ld=2 ru=2 st=2 alu=6 br=4 tk=4 m7c=17.6", // m7-Os
            "ld=1.7 ru=1.7 st=2 simd=1 alu=5 br=2 tk=0.4 m7c=21.7", // m7-O2
            "ld=2 ru=2 st=2 simd=1 alu=4 br=2 m7c=11.2", // m7-O3
        ]),
        // s8->s16 scalar tail, 3 elements
        MeasuredTerm("s2s_tail_r3", .im2col, [
            "ld=3 ru=3 st=3 alu=9 br=6 tk=6", // m4-Os
            "ld=3 ru=3 st=3 simd=1 alu=7 br=3 tk=1", // m4-O2
            "ld=3 ru=3 st=3 simd=1 alu=5 br=2 tk=-1", // m4-O3
            "ld=3 ru=3 st=3 alu=9 br=6 tk=6 m7c=21.7", // m7-Os
            "ld=3 ru=3 st=3 simd=1 alu=7 br=3 tk=1 m7c=21.8", // m7-O2
            "ld=3 ru=3 st=3 simd=1 alu=5 br=2 tk=-1 m7c=10.2", // m7-O3
        ]),
        // arm_nn_mat_mult_kernel_s8_s16 call per pixel pair
        MeasuredTerm("mm_call", .overhead, [
            "ld=17 ru=16 ldrd=1 ldm=1 ldmr=9 st=21 strd=3 stm=1 stmr=9 alu=9 sh=5 it=1 br=4 tk=9", // m4-Os
            "ld=1 ru=3 ldm=1 ldmr=9 st=5 stm=1 stmr=9 alu=1 sh=1 br=2 tk=6", // m4-O2
            "ld=3 ru=3 ldrd=-1.8 ldm=1 ldmr=9 st=6.8 strd=-3.8 stm=1 stmr=9 alu=-0.3 sh=1 br=2 tk=6", // m4-O3
            "ld=17 ru=11 ldrd=1 ldm=1 ldmr=9 st=21 strd=3 stm=1 stmr=9 alu=9 sh=5 it=1 br=4 tk=9 m7c=42.5", // m7-Os
            "ld=-2 ru=1 ldm=1 ldmr=9 st=6 strd=-2 stm=1 stmr=9 alu=-3 br=2 tk=6 m7c=-27.2", // m7-O2
            "ld=1 ldm=1 ldmr=9 st=2 stm=1 stmr=9 alu=-1 br=2 tk=6 m7c=-23.4", // m7-O3
        ]),
        // arm_nn_mat_mult_kernel_s8_s16, DSP path: 4-column loop, 2 channels x 2 pixels (16 MACs: 8 SMLAD, read_and_pad_reordered)
        MeasuredTerm("mm_main4", .mac, [
            "ld=14 ru=8 st=5 mac=8 simd=4 alu=4 sh=2 br=2 tk=2", // m4-Os
            "ld=7 ru=3 st=1 mac=8 simd=4 alu=3 sh=2 br=1 tk=1", // m4-O2
            "ld=7 ru=3 st=1 mac=8 simd=4 alu=3 sh=2 br=1 tk=1", // m4-O3
            "ld=14 ru=9 st=5 mac=8 simd=4 alu=4 sh=2 br=2 tk=2 m7c=28", // m7-Os
            "ld=7 ru=5 st=1 mac=8 simd=4 alu=3 sh=2 br=1 tk=1 m7c=20.2", // m7-O2
            "ld=7 ru=5 st=1 mac=8 simd=4 alu=3 sh=2 br=1 tk=1 m7c=20.2", // m7-O3
        ]),
        // scalar column tail (1), per 2x2 block
        MeasuredTerm("mm_tail1_r1", .mac, [
            "ld=7 ru=4 st=2 mac=4 alu=2 br=2 tk=2", // m4-Os
            "ld=4 ru=2 mac=4 alu=1 tk=-2", // m4-O2
            "ld=7 ru=3 st=1 mac=4 alu=2 br=1", // m4-O3
            "ld=7 ru=4 st=2 mac=4 alu=2 br=2 tk=2 m7c=22.8", // m7-Os
            "ld=4 ru=2 mac=4 alu=1 tk=-2 m7c=9.5", // m7-O2
            "ld=7 ru=4 st=1 mac=4 alu=2 br=1 m7c=14.3", // m7-O3
        ]),
        // scalar column tail (2), per 2x2 block
        MeasuredTerm("mm_tail1_r2", .mac, [
            "ld=14 ru=8 st=4 mac=8 alu=4 br=4 tk=4", // m4-Os
            "ld=8 ru=4 mac=8 alu=2 br=1 tk=-1", // m4-O2
            "ld=13 ru=5 ldrd=0.2 st=0.8 strd=0.2 mac=8 alu=2.7 br=2", // m4-O3
            "ld=14 ru=8 st=4 mac=8 alu=4 br=4 tk=4 m7c=37.6", // m7-Os
            "ld=8 ru=4 mac=8 alu=2 br=1 tk=-1 m7c=25.7", // m7-O2
            "ld=13 ru=6 st=1 mac=8 alu=3 br=2 m7c=25", // m7-O3
        ]),
        // scalar column tail (3), per 2x2 block
        MeasuredTerm("mm_tail1_r3", .mac, [
            "ld=21 ru=12 st=6 mac=12 alu=6 br=6 tk=6", // m4-Os
            "ld=12 ru=6 mac=12 alu=3 br=2", // m4-O2
            "ld=19 ru=7 st=1 mac=12 alu=3.2 br=2 tk=-1", // m4-O3
            "ld=21 ru=12 st=6 mac=12 alu=6 br=6 tk=6 m7c=53.5", // m7-Os
            "ld=12 ru=6 mac=12 alu=3 br=2 tk=0.3 m7c=36.9", // m7-O2
            "ld=19 ru=9 st=1 mac=12 alu=3 br=2 tk=-1 m7c=40.5", // m7-O3
        ]),
        // per 2x2 block: 4 requantizations, clamps, stores
        MeasuredTerm("mm_block", .requant, [
            "ld=52 ru=39 ldrd=2 st=18 mac=4 simd=1 alu=97 sh=12 it=20 br=5 tk=2", // m4-Os
            "ld=34 ru=28 ldrd=1 st=7 mac=4 alu=90 sh=12 it=16 br=9 tk=5", // m4-O2
            "ld=33 ru=28 st=8 mac=4 alu=90 sh=12 it=16 br=9 tk=4", // m4-O3
            "ld=52 ru=45 ldrd=2 st=18 mac=4 simd=1 alu=96 sh=13 it=21 br=5 tk=2 m7c=160.2", // m7-Os
            "ld=34 ru=29 ldrd=1 st=7 mac=4 alu=86 sh=16 it=16 br=9 tk=5 m7c=134.9", // m7-O2
            "ld=33 ru=29 st=8 mac=4 alu=86 sh=16 it=16 br=9 tk=4 m7c=130.6", // m7-O3
        ]),
        // 4-column loop entry correction per 2x2 block
        MeasuredTerm("mm_main_entry", .overhead, [
            "-", // m4-Os
            "ld=1 ru=1 ldrd=3 st=1 strd=2 alu=4 tk=-3", // m4-O2
            "ld=2 ru=1 ldrd=3 st=2 strd=2 alu=4 br=-1 tk=-3", // m4-O3
            "m7c=7.8", // m7-Os
            "ld=1 ru=1 ldrd=3 st=1 strd=2 alu=4 tk=-3 m7c=13.7", // m7-O2
            "ld=2 ru=1 ldrd=3 st=2 strd=2 alu=4 br=-1 tk=-3 m7c=13.3", // m7-O3
        ]),
        // channel-pair loop entry correction per pixel pair
        MeasuredTerm("mm_rows_entry", .overhead, [
            "-", // m4-Os
            "ld=8 ru=6 ldrd=2 st=12 strd=2 simd=1 alu=15 sh=8 it=1 tk=-2", // m4-O2
            "ld=8 ru=5 ldrd=2 st=13 strd=1 simd=1 alu=16 sh=8 it=1 tk=-2", // m4-O3
            "m7c=7.9", // m7-Os
            "ld=7 ru=6 ldrd=2 st=12 strd=2 simd=1 alu=15 sh=8 it=1 tk=-2 m7c=32.6", // m7-O2
            "ld=8 ru=7 ldrd=2 st=13 strd=1 simd=1 alu=16 sh=8 it=1 tk=-2 m7c=27.6", // m7-O3
        ]),
        // odd last channel: loop entry correction
        MeasuredTerm("mm_oddoc_main_entry", .overhead, [
            "-", // m4-Os
            "ld=4 ru=2 st=3 alu=3 sh=3 br=-1 tk=-3", // m4-O2
            "ld=4 ru=2 ldrd=0.2 st=2.8 strd=0.2 alu=2.7 sh=3 br=-1 tk=-3", // m4-O3
            "m7c=8.9", // m7-Os
            "ld=3 ru=2 ldrd=1 st=2 strd=1 alu=2.7 sh=3 br=-1 tk=-3.4 m7c=12.4", // m7-O2
            "ld=4 ru=2 st=3 alu=3 sh=3 br=-1 tk=-3 m7c=6.6", // m7-O3
        ]),
        // s8->s16 loop entry correction per pixel
        MeasuredTerm("s2s_entry", .overhead, [
            "-", // m4-Os
            "sh=2 br=-1 tk=-3", // m4-O2
            "ldrd=-0.2 st=0.2 strd=-0.2 alu=0.3 sh=2 br=-1 tk=-3", // m4-O3
            "m7c=8.2", // m7-Os
            "sh=2 br=-1 tk=-3 m7c=6.3", // m7-O2
            "sh=2 br=-1 tk=-3 m7c=7.4", // m7-O3
        ]),
        // odd last pixel: loop entry correction per channel
        MeasuredTerm("lo_main_entry", .overhead, [
            "-", // m4-Os
            "ld=3 ru=1 st=1 br=-1 tk=-3", // m4-O2
            "ld=3 ru=1 st=1 br=-1 tk=-3", // m4-O3
            "m7c=8.7", // m7-Os
            "ld=4 ru=2 st=2 br=-1 tk=-3 m7c=7.2", // m7-O2
            "ld=3 st=1 br=-1 tk=-3 m7c=7", // m7-O3
        ]),
        // odd last channel: 4-column loop, 1 channel x 2 pixels (8 MACs)
        MeasuredTerm("mm_oddoc_main4", .mac, [
            "ld=5 ru=3 mac=4 simd=2 alu=4 sh=1 br=2 tk=2", // m4-Os
            "ld=5 ru=3 mac=4 simd=2 alu=3 sh=1 br=1 tk=1", // m4-O2
            "ld=5 ru=3 mac=4 simd=2 alu=3 sh=1 br=1 tk=1", // m4-O3
            "ld=5 ru=4 mac=4 simd=2 alu=4 sh=1 br=2 tk=2 m7c=14", // m7-Os
            "ld=5 ru=4 mac=4 simd=2 alu=3 sh=1 br=1 tk=1 m7c=11.7", // m7-O2
            "ld=5 ru=4 mac=4 simd=2 alu=3 sh=1 br=1 tk=1 m7c=11.7", // m7-O3
        ]),
        // odd last channel: tail (1)
        MeasuredTerm("mm_oddoc_tail1_r1", .mac, [
            "ld=3 ru=2 mac=2 alu=1 br=2 tk=2", // m4-Os
            "ld=4 ru=3 mac=2 alu=2 br=1 tk=-1", // m4-O2
            "ld=4 ru=2 mac=2 alu=1 br=1", // m4-O3
            "ld=3 ru=2 mac=2 alu=1 br=2 tk=2 m7c=15.9", // m7-Os
            "ld=4 ru=2 mac=2 alu=2 br=1 tk=-1 m7c=8.7", // m7-O2
            "ld=4 ru=3 mac=2 alu=1 br=1 m7c=8.5", // m7-O3
        ]),
        // odd last channel: tail (2)
        MeasuredTerm("mm_oddoc_tail1_r2", .mac, [
            "ld=6 ru=4 mac=4 alu=2 br=4 tk=4", // m4-Os
            "ld=7 ru=5 mac=4 alu=3 br=2", // m4-O2
            "ld=7 ru=4 ldrd=0.3 st=-0.3 strd=0.3 mac=4 alu=1.5 br=2", // m4-O3
            "ld=6 ru=4 mac=4 alu=2 br=4 tk=4 m7c=23.2", // m7-Os
            "ld=7.3 ru=4.3 mac=4 alu=3 br=2 tk=-0.3 m7c=18.1", // m7-O2
            "ld=7 ru=6 mac=4 alu=2 br=2 m7c=9.4", // m7-O3
        ]),
        // odd last channel: tail (3)
        MeasuredTerm("mm_oddoc_tail1_r3", .mac, [
            "ld=9 ru=6 mac=6 alu=3 br=6 tk=6", // m4-Os
            "ld=10 ru=7 mac=6 alu=4 br=3 tk=1", // m4-O2
            "ld=10 ru=6 ldrd=-0.3 st=0.3 strd=-0.3 mac=6 alu=2.4 br=2 tk=-1", // m4-O3
            "ld=9 ru=6 mac=6 alu=3 br=6 tk=6 m7c=32.8", // m7-Os
            "ld=10 ru=6 mac=6 alu=4.4 br=3.2 tk=1.3 m7c=29.9", // m7-O2
            "ld=10 ru=8 mac=6 alu=2 br=2 tk=-1 m7c=20.7", // m7-O3
        ]),
        // odd last channel: 2 requantized outputs
        MeasuredTerm("mm_oddoc", .requant, [
            "ld=21 ru=16 ldrd=1 st=2 mac=3 alu=50 sh=10 it=10 br=3 tk=-1", // m4-Os
            "ld=17 ru=12 st=2 mac=2 alu=45 sh=7 it=8 br=6 tk=2", // m4-O2
            "ld=17 ru=12 st=2 mac=2 alu=45.3 sh=7 it=8 br=6 tk=2", // m4-O3
            "ld=21 ru=19 ldrd=1 st=2 mac=3 alu=50 sh=10 it=10 br=3 tk=-1 m7c=76.7", // m7-Os
            "ld=14.8 ru=11.8 st=2 mac=2 alu=43.3 sh=9 it=8 br=6 tk=2.4 m7c=70.8", // m7-O2
            "ld=17 ru=14 st=2 mac=2 alu=43 sh=9 it=8 br=6 tk=2 m7c=77.3", // m7-O3
        ]),
        // odd last pixel (in arm_convolve_s8): 4-column loop per channel (4 MACs)
        MeasuredTerm("lo_main4", .mac, [
            "ld=3 ru=2 mac=2 simd=2 alu=3 sh=1 br=2 tk=2", // m4-Os
            "ld=3 ru=2 mac=2 simd=2 alu=2 sh=1 br=1 tk=1", // m4-O2
            "ld=3 ru=2 mac=2 simd=2 alu=2 sh=1 br=1 tk=1", // m4-O3
            "ld=3 ru=2 mac=2 simd=2 alu=3 sh=1 br=2 tk=2 m7c=9", // m7-Os
            "ld=3 ru=2 mac=2 simd=2 alu=2 sh=1 br=1 tk=1 m7c=7.2", // m7-O2
            "ld=3 ru=2 mac=2 simd=2 alu=2 sh=1 br=1 tk=1 m7c=7.2", // m7-O3
        ]),
        // odd last pixel: tail (1)
        MeasuredTerm("lo_tail1_r1", .mac, [
            "ld=2 ru=1 mac=1 alu=1 br=2 tk=2", // m4-Os
            "ld=2 ru=1 mac=1 alu=1 tk=-2", // m4-O2
            "ld=4 ru=3 mac=1 tk=-1", // m4-O3
            "ld=2 ru=1 mac=1 alu=1 br=2 tk=2 m7c=13", // m7-Os
            "ld=3 ru=1 st=1 mac=1 alu=1 tk=-1.7 m7c=9", // m7-O2
            "ld=4 ru=3 mac=1 tk=-1 m7c=11.9", // m7-O3
        ]),
        // odd last pixel: tail (2)
        MeasuredTerm("lo_tail1_r2", .mac, [
            "ld=4 ru=2 mac=2 alu=2 br=4 tk=4", // m4-Os
            "ld=4 ru=2 mac=2 alu=2 br=1 tk=-1", // m4-O2
            "ld=7 ru=5 mac=2 alu=1 br=1 tk=-1", // m4-O3
            "ld=4 ru=2 mac=2 alu=2 br=4 tk=4 m7c=16.7", // m7-Os
            "ld=5 ru=2 st=1 mac=2 alu=2.4 br=1 tk=-0.7 m7c=16.6", // m7-O2
            "ld=7 ru=5 mac=2 alu=1 br=1 tk=-1 m7c=15.6", // m7-O3
        ]),
        // odd last pixel: tail (3)
        MeasuredTerm("lo_tail1_r3", .mac, [
            "ld=6 ru=3 mac=3 alu=3 br=6 tk=6", // m4-Os
            "ld=6 ru=3 mac=3 alu=3 br=2", // m4-O2
            "ld=9 ru=6 mac=3 alu=1 br=1 tk=-2", // m4-O3
            "ld=6 ru=3 mac=3 alu=3 br=6 tk=6 m7c=23.7", // m7-Os
            "ld=7 ru=3 st=1 mac=3 alu=3 br=2 tk=0.2 m7c=21.1", // m7-O2
            "ld=9 ru=6 mac=3 alu=1 br=1 tk=-2 m7c=18.9", // m7-O3
        ]),
        // odd last pixel: one requantized output per channel
        MeasuredTerm("lo_out", .requant, [
            "ld=15 ru=12 st=1 mac=1 alu=30 sh=3 it=5 br=5 tk=2", // m4-Os
            "ld=13 ru=10 st=3 mac=1 alu=26 sh=3 it=4 br=7 tk=5", // m4-O2
            "ld=12 ru=9 st=3 mac=1 alu=26 sh=3 it=4 br=7 tk=5", // m4-O3
            "ld=15 ru=13 st=1 mac=1 alu=30 sh=3 it=5 br=5 tk=2 m7c=46.6", // m7-Os
            "ld=12 ru=10 st=3 mac=1 alu=26 sh=3 it=4 br=7 tk=5 m7c=39.8", // m7-O2
            "ld=13 ru=11 st=4 mac=1 alu=24 sh=4 it=4 br=7 tk=5 m7c=41.8", // m7-O3
        ]),
        // function entry/exit, buffer set-up
        MeasuredTerm("call", .overhead, [
            "ld=86 ru=64 ldrd=3 ldm=1 ldmr=9 st=70 stm=1 stmr=9 mac=16 simd=8 alu=39 sh=3 it=2 br=15 tk=8 div=3", // m4-Os
            "ld=64 ru=48 ldrd=8 ldm=1 ldmr=9 st=57 strd=4 stm=1 stmr=9 mac=15 simd=10 alu=51 sh=2 it=2 br=12 tk=1 div=3", // m4-O2
            "ld=61 ru=48 ldrd=5 ldm=1 ldmr=9 st=59 strd=1 stm=1 stmr=9 mac=15 simd=12 alu=57.3 sh=2 it=1 br=12 tk=1 div=3", // m4-O3
            "ld=86 ru=68 ldrd=3 ldm=1 ldmr=9 st=70 stm=1 stmr=9 mac=16 simd=8 alu=39 sh=3 it=2 br=15 tk=8 div=3 m7c=234.1", // m7-Os
            "ld=66.6 ru=56.6 ldrd=5 ldm=1 ldmr=9 st=56 strd=3 stm=1 stmr=9 mac=15 simd=9 alu=60.2 sh=2 br=13 tk=1.6 div=3 m7c=186.1", // m7-O2
            "ld=66.8 ru=55.8 ldrd=5 ldm=1 ldmr=9 st=65 strd=1 stm=1 stmr=9 mac=15 simd=10 alu=61.8 sh=2 it=1 br=11.8 tk=1.2 div=3 m7c=197.8", // m7-O3
        ]),
    ])

    // arm_depthwise_conv_3x3_s8
    // Instruction counts: decomposition approximate, largest miss 2 instructions (0.0% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 3.8% of a run.
    static let depthwise3x3 = MeasuredKernel(function: "arm_depthwise_conv_3x3_s8", terms: [
        // arm_depthwise_conv_3x3_s8: per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=24 ru=16 ldrd=1 st=10 alu=20 it=1 br=4 tk=2", // m4-Os
            "ld=13 ru=10 st=6 alu=11 it=1 br=4 tk=4", // m4-O2
            "ld=15 ru=11 st=8 alu=13 it=1 br=4 tk=4", // m4-O3
            "ld=24 ru=20 ldrd=1 st=10 alu=20 it=1 br=4 tk=2 m7c=39.8", // m7-Os
            "ld=13 ru=11 st=6 alu=11 it=1 br=4 tk=4 m7c=30", // m7-O2
            "ld=15 ru=12 st=8 alu=13 it=1 br=4 tk=4 m7c=31", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=22 ru=15 st=12 mac=2 alu=13 it=2 br=3 tk=2", // m4-Os
            "ld=11 ru=7 ldrd=2 st=7 strd=3 mac=2 alu=13 it=1 br=2", // m4-O2
            "ld=17 ru=13 ldrd=3 st=14 strd=4 mac=2 alu=29 it=2 br=2", // m4-O3
            "ld=22 ru=16 st=12 mac=2 alu=13 it=2 br=3 tk=2 m7c=45.1", // m7-Os
            "ld=11 ru=9 ldrd=2 st=7 strd=3 mac=2 alu=13 it=1 br=2 m7c=33.6", // m7-O2
            "ld=18 ru=16 ldrd=2 st=15 strd=3 mac=2 alu=31 it=2 br=2 m7c=51.3", // m7-O3
        ]),
        // per pixel and 4-channel block: bias loads, 4 requantizations, clamps, 4 stores
        MeasuredTerm("blk", .requant, [
            "ld=36 ru=32 ldrd=2 st=9 mac=4 alu=92 sh=12 it=20 br=4 tk=2", // m4-Os
            "ld=21 ru=12 ldrd=3 st=4 strd=1 mac=4 simd=4 alu=88 sh=12 it=16 br=7", // m4-O2
            "ld=27 ru=15 ldrd=3 st=10 mac=4 simd=4 alu=96 sh=13 it=16 br=7", // m4-O3
            "ld=36 ru=34 ldrd=2 st=9 mac=4 alu=92 sh=12 it=21 br=4 tk=2 m7c=141.9", // m7-Os
            "ld=21 ru=19 ldrd=3 st=4 strd=1 mac=4 simd=4 alu=84 sh=16 it=16 br=7 m7c=127.1", // m7-O2
            "ld=31 ru=27 ldrd=2 st=12 mac=4 simd=4 alu=97 sh=16 it=16 br=7 m7c=129", // m7-O3
        ]),
        // per 4-channel block and filter row: centre tap (4 MACs: SXTAB16/SXTB16, 4 SMLABB/SMLATT) and row step
        MeasuredTerm("blk_row", .mac, [
            "ld=13 ru=7 st=3 mac=4 simd=4 alu=5 br=4 tk=4", // m4-Os
            "ld=7 ru=6 mac=4 simd=4 alu=5 br=3 tk=3", // m4-O2
            "ld=4 ru=2 mac=4 simd=4 br=2 tk=1", // m4-O3
            "ld=13 ru=8 st=3 mac=4 simd=4 alu=5 br=4 tk=4 m7c=26.5", // m7-Os
            "ld=7 ru=6 mac=4 simd=4 alu=5 br=3 tk=3 m7c=16.7", // m7-O2
            "ld=4 ru=3 mac=4 simd=4 br=2 tk=1 m7c=8.8", // m7-O3
        ]),
        // left tap of a filter row when inside the input (4 MACs)
        MeasuredTerm("blk_row_left", .mac, [
            "ld=5 ru=2 st=1 mac=4 simd=4 tk=-1", // m4-Os
            "ld=2 ru=1 mac=4 simd=4 tk=-1", // m4-O2
            "ld=5 ru=1 mac=4 simd=4 br=-1 tk=-1", // m4-O3
            "ld=5 ru=2 st=1 mac=4 simd=4 tk=-1 m7c=12.1", // m7-Os
            "ld=2 ru=1 mac=4 simd=4 tk=-1 m7c=8.2", // m7-O2
            "ld=4 ru=1 mac=4 simd=4 br=-1 tk=-1 m7c=11", // m7-O3
        ]),
        // right tap of a filter row when inside the input (4 MACs)
        MeasuredTerm("blk_row_right", .mac, [
            "ld=6 ru=2 st=1 mac=4 simd=4 tk=-1", // m4-Os
            "ld=3 ru=1 mac=4 simd=4 tk=-1", // m4-O2
            "ld=4 ru=1 mac=4 simd=4", // m4-O3
            "ld=6 ru=2 st=1 mac=4 simd=4 tk=-1 m7c=12.3", // m7-Os
            "ld=3 ru=1 mac=4 simd=4 tk=-1 m7c=13.4", // m7-O2
            "ld=4 ru=2 mac=4 simd=4 m7c=17.7", // m7-O3
        ]),
        // leftover channel (C mod 4): one requantized output
        MeasuredTerm("lo_ch", .requant, [
            "ld=12 ru=7 st=2 mac=1 alu=25 sh=3 it=5 br=4 tk=2", // m4-Os
            "ld=12 ru=8 st=4 mac=1 alu=25 sh=3 it=4 br=4", // m4-O2
            "ld=20 ru=14.4 st=5 mac=1 alu=36.2 sh=3 it=5 br=6 tk=3.7", // m4-O3
            "ld=12 ru=10 st=2 mac=1 alu=25 sh=3 it=5 br=4 tk=2 m7c=44.9", // m7-Os
            "ld=12 ru=9 st=4 mac=1 alu=24 sh=4 it=4 br=4 m7c=54.4", // m7-O2
            "ld=20 ru=15.4 st=5 mac=1 alu=35.2 sh=4 it=5 br=6 tk=3.7 m7c=60.9", // m7-O3
        ]),
        // leftover channel: centre tap per filter row (1 MAC)
        MeasuredTerm("lo_row", .mac, [
            "ld=10 ru=7 st=1 mac=1 alu=6 br=4 tk=4", // m4-Os
            "ld=5 ru=4 mac=1 alu=6 br=3 tk=3", // m4-O2
            "ld=1.7 ru=1.6 mac=1 alu=1.3 br=1 tk=-0.6", // m4-O3
            "ld=10 ru=7 st=1 mac=1 alu=6 br=4 tk=4 m7c=15.6", // m7-Os
            "ld=5 ru=4 mac=1 alu=6 br=3 tk=3 m7c=8.5", // m7-O2
            "ld=1.7 ru=2 mac=1 alu=1.3 br=1 tk=-0.6 m7c=2.4", // m7-O3
        ]),
        // leftover: left tap (1 MAC)
        MeasuredTerm("lo_row_left", .mac, [
            "ld=3 ru=1 mac=1 alu=1 tk=-1", // m4-Os
            "ld=2 ru=1 mac=1 alu=1 tk=-1", // m4-O2
            "ld=2 ru=0.3 mac=1 alu=0.6 tk=0.3", // m4-O3
            "ld=3 ru=1 mac=1 alu=1 tk=-1 m7c=4.7", // m7-Os
            "ld=2 ru=1 mac=1 alu=1 tk=-1 m7c=6.2", // m7-O2
            "ld=2 mac=1 alu=0.6 tk=0.3 m7c=5.9", // m7-O3
        ]),
        // leftover: right tap (1 MAC)
        MeasuredTerm("lo_row_right", .mac, [
            "ld=5 ru=2 mac=1 alu=1 tk=-1", // m4-Os
            "ld=2 ru=1 mac=1 alu=1 tk=-1", // m4-O2
            "ld=3.4 ru=1 mac=1 alu=1 tk=0.4", // m4-O3
            "ld=5 ru=2 mac=1 alu=1 tk=-1 m7c=11.5", // m7-Os
            "ld=2 ru=1 mac=1 alu=1 tk=-1 m7c=4.9", // m7-O2
            "ld=3.4 ru=1 mac=1 alu=1 tk=0.4 m7c=6.6", // m7-O3
        ]),
        // per block when the left column is inside (unswitched loop version)
        MeasuredTerm("blk_left_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "ld=2 ru=7 st=2 alu=2 br=2 tk=3", // m4-O3
            "m7c=-2.2", // m7-Os
            "m7c=-3.5", // m7-O2
            "ru=4 alu=-1 br=2 tk=1 m7c=2.1", // m7-O3
        ]),
        // per block when the right column is inside
        MeasuredTerm("blk_right_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "ld=6 ru=8 st=1 alu=5 tk=1", // m4-O3
            "m7c=-0.1", // m7-Os
            "m7c=-7.3", // m7-O2
            "ld=4 ru=2 alu=3 tk=1 m7c=-3", // m7-O3
        ]),
        // leftover channel loop entry correction per pixel
        MeasuredTerm("lo_entry", .overhead, [
            "-", // m4-Os
            "ld=12 ru=7 ldrd=1 st=6 alu=12 sh=2 it=1 tk=-2", // m4-O2
            "ld=18 ru=12 ldrd=1 st=4 strd=1 alu=21 sh=2 tk=-2", // m4-O3
            "m7c=7.2", // m7-Os
            "ld=12 ru=8 ldrd=1 st=6 alu=12 sh=2 it=1 tk=-2 m7c=6", // m7-O2
            "ld=18 ru=15 ldrd=1 st=4 strd=1 alu=21 sh=2 tk=-2 m7c=27.5", // m7-O3
        ]),
        // leftover: row correction
        MeasuredTerm("lo_row_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=7.9", // m7-Os
            "m7c=12.5", // m7-O2
            "m7c=10.6", // m7-O3
        ]),
        // leftover: left tap correction
        MeasuredTerm("lo_left_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=-4.4", // m7-Os
            "m7c=-6.7", // m7-O2
            "m7c=-8", // m7-O3
        ]),
        // leftover: right tap correction
        MeasuredTerm("lo_right_entry", .overhead, [
            "-", // m4-Os
            "-", // m4-O2
            "-", // m4-O3
            "m7c=-4", // m7-Os
            "m7c=-4.3", // m7-O2
            "m7c=-2.9", // m7-O3
        ]),
        // 4-channel loop entry correction per pixel
        MeasuredTerm("blk_entry", .overhead, [
            "-", // m4-Os
            "ld=7 ru=4 ldrd=1 st=4 alu=12 it=1 br=-1 tk=-3", // m4-O2
            "ld=19 ru=10 st=14 alu=21 br=-1 tk=-3", // m4-O3
            "m7c=11", // m7-Os
            "ld=7 ru=5 ldrd=1 st=4 alu=12 it=1 br=-1 tk=-3 m7c=12.3", // m7-O2
            "ld=20 ru=16 st=15 alu=21 m7c=39.5", // m7-O3
        ]),
        // function entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=29 ru=23 ldm=1 ldmr=9 st=27 stm=1 stmr=9 mac=3 simd=1 alu=20 sh=1 it=2 br=5", // m4-Os
            "ld=19 ru=10 ldrd=2 ldm=1 ldmr=9 st=21 strd=1 stm=1 stmr=9 mac=3 simd=1 alu=24 sh=2 br=5 tk=-1", // m4-O2
            "ld=19 ru=13 ldrd=3 ldm=1 ldmr=9 st=27 strd=1 stm=1 stmr=9 mac=3 simd=1 alu=28 sh=4 br=5 tk=-1", // m4-O3
            "ld=29 ru=24 ldm=1 ldmr=9 st=27 stm=1 stmr=9 mac=3 simd=1 alu=19 sh=2 it=2 br=5 m7c=69.4", // m7-Os
            "ld=19 ru=12 ldrd=2 ldm=1 ldmr=9 st=21 strd=1 stm=1 stmr=9 mac=3 simd=1 alu=26 sh=2 it=1 br=5 tk=-1 m7c=49.3", // m7-O2
            "ld=20 ru=14 ldrd=3 ldm=1 ldmr=9 st=27 strd=2 stm=1 stmr=9 mac=3 simd=1 alu=30 sh=4 it=1 br=5 tk=-1 m7c=66.4", // m7-O3
        ]),
    ])

    // arm_depthwise_conv_s8_opt (DSP path) -> arm_q7_to_q15_with_offset (memset excluded)
    // Instruction counts: decomposition approximate, largest miss 18 instructions (0.2% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 11.1% of a run.
    static let depthwiseOpt = MeasuredKernel(function: "arm_depthwise_conv_s8_opt (DSP path) -> arm_q7_to_q15_with_offset (memset excluded)", terms: [
        // arm_depthwise_conv_s8_opt: per output pixel (row range, column buffer set-up)
        MeasuredTerm("pixel", .im2col, [
            "ld=24 ru=19 ldrd=1 st=5 mac=3 simd=1 alu=18 br=8 tk=5", // m4-Os
            "ld=20 ru=13 ldrd=1 st=4 mac=2 simd=1 alu=14 br=7 tk=1.8", // m4-O2
            "ld=19 ru=12 ldrd=1 st=4 mac=2 simd=1 alu=15 br=7 tk=1.8", // m4-O3
            "ld=24 ru=20 ldrd=1 st=5 mac=3 simd=1 alu=18 br=8 tk=5 m7c=45.7", // m7-Os
            "ld=19 ru=14 ldm=1 ldmr=3 st=3 mac=2 simd=1 alu=19 br=7 tk=3.6 m7c=49.1", // m7-O2
            "ld=19 ru=14 ldrd=1 st=3 mac=2 simd=1 alu=19 br=7 tk=3.6 m7c=49.2", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=16.6 ru=11.6 ldrd=1 st=11 mac=3 simd=1 alu=13.6 it=1 br=2.6 tk=2.4", // m4-Os
            "ld=8 ru=7 ldrd=2 st=12 strd=3 mac=2 simd=3 alu=16.6 sh=1 it=1 br=1.6 tk=1", // m4-O2
            "ld=6 ru=4 ldrd=2 st=11 strd=3 mac=2 simd=3 alu=12.6 it=1 br=0.6 tk=1", // m4-O3
            "ld=16.6 ru=11.6 ldrd=1 st=11 mac=3 simd=1 alu=13.6 it=1 br=2.6 tk=2.4 m7c=63.6", // m7-Os
            "ld=5 ru=5 ldrd=3 st=11 strd=3 mac=2 simd=3 alu=16.6 it=1 br=1.6 tk=-0.6 m7c=78.9", // m7-O2
            "ld=2 ru=2 ldrd=3 st=9 strd=3 mac=2 simd=3 alu=12.6 sh=1 it=1 br=0.6 tk=-0.6 m7c=72.3", // m7-O3
        ]),
        // im2col: per filter row inside the input
        MeasuredTerm("row", .im2col, [
            "ld=5 ru=5 alu=7 sh=1 br=3 tk=2", // m4-Os
            "ld=8 ru=5 strd=1 alu=9 sh=1 br=3 tk=1.7", // m4-O2
            "ld=8 ru=5 strd=1 alu=9 sh=1 br=3 tk=1.7", // m4-O3
            "ld=5 ru=5 alu=7 sh=1 br=3 tk=2 m7c=27", // m7-Os
            "ld=7 ru=6 ldrd=1 st=1 strd=1 alu=7 sh=1 br=3 tk=2.4 m7c=27.9", // m7-O2
            "ld=7 ru=6 ldrd=1 st=1 strd=1 alu=7 sh=1 br=3 tk=2.4 m7c=27.3", // m7-O3
        ]),
        // im2col: per tap inside the input: arm_q7_to_q15_with_offset call
        MeasuredTerm("tap_copy", .im2col, [
            "ld=4 ru=4 ldm=1 ldmr=7 stm=1 stmr=7 simd=1 alu=21 sh=3 it=1 br=8 tk=6", // m4-Os
            "ld=1 ru=1 ldm=1 ldmr=6 stm=1 stmr=6 simd=1 alu=19 sh=1 it=1 br=7 tk=6", // m4-O2
            "ld=1 ru=1 ldm=1 ldmr=6 stm=1 stmr=6 simd=1 alu=19 sh=1 it=1 br=7 tk=6", // m4-O3
            "ld=4 ru=4 ldm=1 ldmr=7 stm=1 stmr=7 simd=1 alu=21 sh=3 it=1 br=8 tk=6 m7c=26", // m7-Os
            "ldm=1 ldmr=6 stm=1 stmr=6 simd=1 alu=20 sh=1 it=1 br=7 tk=6 m7c=19.3", // m7-O2
            "ldm=1 ldmr=6 stm=1 stmr=6 simd=1 alu=20 sh=1 it=1 br=7 tk=6 m7c=19.4", // m7-O3
        ]),
        // arm_q7_to_q15_with_offset: 4 int8 -> int16 + offset
        MeasuredTerm("q2q_quad", .im2col, [
            "ld=1 ru=1 st=2 simd=4 alu=3 sh=1 br=2 tk=2", // m4-Os
            "ld=1 ru=1 st=2 simd=4 alu=2 sh=1 br=1 tk=1", // m4-O2
            "ld=1 ru=1 st=2 simd=4 alu=2 sh=1 br=1 tk=1", // m4-O3
            "ld=1 ru=1 st=2 simd=4 alu=3 sh=1 br=2 tk=2 m7c=9.3", // m7-Os
            "ld=1 ru=1 st=2 simd=4 alu=2 sh=1 br=1 tk=1 m7c=13.1", // m7-O2
            "ld=1 ru=1 st=2 simd=4 alu=2 sh=1 br=1 tk=1 m7c=13.1", // m7-O3
        ]),
        // q7->q15 tail (1)
        MeasuredTerm("q2q_r1", .im2col, [
            "ld=1 ru=1 st=1 alu=3 br=2 tk=2", // m4-Os
            "ld=1 ru=1 st=1 simd=1 alu=3 br=1 tk=-1", // m4-O2
            "ld=1 ru=1 st=1 simd=1 alu=2 br=1", // m4-O3
            "ld=1 ru=1 st=1 alu=3 br=2 tk=2 m7c=12.3", // m7-Os
            "ld=1 ru=1 st=1 simd=1 alu=3 br=1 tk=-1 m7c=5.4", // m7-O2
            "ld=1 ru=1 st=1 simd=1 alu=2 br=1 m7c=1.4", // m7-O3
        ]),
        // q7->q15 tail (2)
        MeasuredTerm("q2q_r2", .im2col, [
            "ld=2 ru=2 st=2 alu=6 br=4 tk=4", // m4-Os
            "ld=2 ru=2 st=2 simd=1 alu=5 br=2", // m4-O2
            "ld=2 ru=2 st=2 simd=1 alu=4 br=2", // m4-O3
            "ld=2 ru=2 st=2 alu=6 br=4 tk=4 m7c=17.5", // m7-Os
            "ld=2 ru=2 st=2 simd=1 alu=5 br=2 m7c=17.1", // m7-O2
            "ld=2 ru=2 st=2 simd=1 alu=4 br=2 m7c=5.1", // m7-O3
        ]),
        // q7->q15 tail (3)
        MeasuredTerm("q2q_r3", .im2col, [
            "ld=3 ru=3 st=3 alu=9 br=6 tk=6", // m4-Os
            "ld=3 ru=3 st=3 simd=1 alu=7 br=3 tk=1", // m4-O2
            "ld=3 ru=3 st=3 simd=1 alu=5 br=2 tk=-1", // m4-O3
            "ld=3 ru=3 st=3 alu=9 br=6 tk=6 m7c=22.7", // m7-Os
            "ld=3 ru=3 st=3 simd=1 alu=7 br=3 tk=1 m7c=21.2", // m7-O2
            "ld=3 ru=3 st=3 simd=1 alu=5 br=2 tk=-1 m7c=9.2", // m7-O3
        ]),
        // im2col: per tap in a padded column (memset call; body modelled separately)
        MeasuredTerm("tap_padx", .im2col, [
            "ld=3.5 ru=3.5 alu=7.5 br=4.5 tk=3.5", // m4-Os
            "alu=8.5 br=3.5 tk=2.5", // m4-O2
            "alu=8.5 br=3.5 tk=2.5", // m4-O3
            "ld=3.5 ru=3.5 alu=7.5 br=4.5 tk=3.5 m7c=16.4", // m7-Os
            "alu=9.5 br=3.5 tk=2 m7c=9.8", // m7-O2
            "alu=9.5 br=3.5 tk=2 m7c=9.8", // m7-O3
        ]),
        // im2col: pixels with padded top rows (memset call)
        MeasuredTerm("pad_top", .im2col, [
            "ld=3.7 ru=0.7 alu=-1.3 br=-0.3 tk=-0.7", // m4-Os
            "ld=2 ru=1 ldrd=1 alu=-1.3 br=1.7 tk=4.6", // m4-O2
            "ld=2 ru=1 ldrd=1 alu=-1.3 br=1.7 tk=4.6", // m4-O3
            "ld=3.7 ru=1.7 alu=-1.3 br=-0.3 tk=-0.7 m7c=19.6", // m7-Os
            "ld=2 ru=2 ldrd=1 alu=-1.3 br=1.7 tk=2 m7c=26.7", // m7-O2
            "ld=2 ru=2 ldrd=1 alu=-1.3 br=1.7 tk=2 m7c=26", // m7-O3
        ]),
        // im2col: pixels with padded bottom rows (memset call)
        MeasuredTerm("pad_bot", .im2col, [
            "ld=2 ru=1 alu=1 sh=1 br=1", // m4-Os
            "ld=2 ru=1 alu=1 sh=1 br=1 tk=2.4", // m4-O2
            "ld=2 ru=1 alu=1 sh=1 br=1 tk=2.4", // m4-O3
            "ld=2 ru=2 alu=1 sh=1 br=1 m7c=9.8", // m7-Os
            "ld=2 ru=2 alu=1 sh=1 br=1 tk=1.4 m7c=0.5", // m7-O2
            "ld=2 ru=2 alu=1 sh=1 br=1 tk=1.4 m7c=-0.1", // m7-O3
        ]),
        // per pixel and 4-channel block: bias, 4 requantizations, clamps, stores
        MeasuredTerm("blk", .requant, [
            "ld=16.5 ru=14 ldrd=0.5 st=5.5 mac=2 simd=1 alu=46 sh=6.5 it=10 br=2.5 tk=1.5", // m4-Os
            "ld=15.5 ru=12 ldrd=2 st=4 strd=1 mac=2 simd=0.5 alu=44.5 sh=6.5 it=8 br=4 tk=0.5", // m4-O2
            "ld=15.5 ru=12 ldrd=2 st=4 strd=1 mac=2 simd=0.5 alu=44.5 sh=6.5 it=8 br=4 tk=0.5", // m4-O3
            "ld=16.5 ru=14.5 ldrd=0.5 st=5.5 mac=2 simd=1 alu=46 sh=6.5 it=10 br=2.5 tk=1.5 m7c=62.1", // m7-Os
            "ld=14 ru=12 ldrd=2.5 st=2.5 strd=1.5 mac=2 simd=0.5 alu=42.5 sh=8.5 it=8 br=4 tk=0.5 m7c=63", // m7-O2
            "ld=14 ru=12 ldrd=2.5 st=2.5 strd=1.5 mac=2 simd=0.5 alu=42.5 sh=8.5 it=8 br=4 tk=0.5 m7c=63", // m7-O3
        ]),
        // per 4-channel block and pair of taps: 8 MACs (4 SMLAD, SXTB16, PKHBT/PKHTB)
        MeasuredTerm("blk_pair", .mac, [
            "ld=19 ru=10 ldrd=2 st=9 mac=4 simd=13 alu=4 sh=2 br=2 tk=2", // m4-Os
            "ld=11 ru=5 st=2 mac=4 simd=13 alu=4 sh=2 br=1 tk=1", // m4-O2
            "ld=11 ru=5 st=2 mac=4 simd=13 alu=4 sh=2 br=1 tk=1", // m4-O3
            "ld=19 ru=10 ldrd=2 st=9 mac=4 simd=13 alu=4 sh=2 br=2 tk=2 m7c=46.7", // m7-Os
            "ld=11 ru=4 mac=4 simd=13 alu=4 sh=2 br=1 tk=1 m7c=27.5", // m7-O2
            "ld=11 ru=4 mac=4 simd=13 alu=4 sh=2 br=1 tk=1 m7c=27.5", // m7-O3
        ]),
        // odd last tap per 4-channel block (4 MACs, scalar)
        MeasuredTerm("blk_oddtap", .mac, [
            "ld=17 ru=5 st=1 mac=4 alu=2 tk=-1", // m4-Os
            "ld=8 ru=4 mac=4 tk=-1", // m4-O2
            "ld=8 ru=4 mac=4 tk=-1", // m4-O3
            "ld=17 ru=7 st=1 mac=4 alu=2 tk=-1 m7c=22.2", // m7-Os
            "ld=8 ru=4 mac=4 tk=-1 m7c=11.3", // m7-O2
            "ld=8 ru=4 mac=4 tk=-1 m7c=11.4", // m7-O3
        ]),
        // leftover channel: one requantized output
        MeasuredTerm("lo_ch", .requant, [
            "ld=11 ru=9 st=1 mac=1 simd=1 alu=28 sh=4 it=6 br=4 tk=2", // m4-Os
            "ld=9 ru=7 st=2 mac=1 simd=1 alu=25 sh=4 it=4 br=4", // m4-O2
            "ld=9 ru=7 st=2 mac=1 simd=1 alu=25 sh=4 it=4 br=4", // m4-O3
            "ld=11 ru=10 st=1 mac=1 simd=1 alu=29 sh=3 it=5 br=4 tk=2 m7c=47.1", // m7-Os
            "ld=10 ru=8 st=2 mac=1 simd=1 alu=24 sh=5 it=4 br=4 m7c=52.1", // m7-O2
            "ld=10 ru=8 st=2 mac=1 simd=1 alu=24 sh=5 it=4 br=4 m7c=52", // m7-O3
        ]),
        // leftover channel: per tap (1 MAC)
        MeasuredTerm("lo_mac", .mac, [
            "ld=4 ru=3 mac=1 alu=4 br=2 tk=2", // m4-Os
            "ld=2 ru=1 mac=1 alu=4 br=1 tk=1", // m4-O2
            "ld=2 ru=1 mac=1 alu=4 br=1 tk=1", // m4-O3
            "ld=4 ru=4 mac=1 alu=4 br=2 tk=2 m7c=9.8", // m7-Os
            "ld=2 ru=1 mac=1 alu=4 br=1 tk=1 m7c=4.7", // m7-O2
            "ld=2 ru=1 mac=1 alu=4 br=1 tk=1 m7c=4.7", // m7-O3
        ]),
        // 4-channel loop entry correction
        MeasuredTerm("blk_entry", .overhead, [
            "-", // m4-Os
            "ld=6 ru=2 st=4 alu=10 br=-1 tk=-2.8", // m4-O2
            "ld=7 ru=2 st=4 alu=9 br=-1 tk=-2.8", // m4-O3
            "m7c=7.1", // m7-Os
            "ld=9 ru=9 ldrd=1 ldm=-1 ldmr=-3 st=4 alu=8 br=-1 tk=-2.6 m7c=17.4", // m7-O2
            "ld=9 ru=8 st=4 alu=8 br=-1 tk=-2.6 m7c=18.3", // m7-O3
        ]),
        // leftover loop entry correction
        MeasuredTerm("lo_entry", .overhead, [
            "-", // m4-Os
            "ld=4 ru=3 st=1 simd=1 alu=6 tk=-2", // m4-O2
            "ld=4 ru=3 st=1 simd=1 alu=6 tk=-2", // m4-O3
            "m7c=7.8", // m7-Os
            "ld=5 ru=2 st=3 simd=1 alu=5 tk=-2 m7c=-7.4", // m7-O2
            "ld=5 ru=2 st=3 simd=1 alu=5 tk=-2 m7c=-7.2", // m7-O3
        ]),
        // tap-pair loop entry correction
        MeasuredTerm("blk_pair_entry", .overhead, [
            "ld=16.5 ru=14 ldrd=0.5 st=5.5 mac=2 simd=1 alu=46 sh=6.5 it=10 br=2.5 tk=1.5", // m4-Os
            "ld=15.5 ru=12 ldrd=2 st=4 strd=1 mac=2 simd=0.5 alu=44.5 sh=6.5 it=8 br=4 tk=0.5", // m4-O2
            "ld=15.5 ru=12 ldrd=2 st=4 strd=1 mac=2 simd=0.5 alu=44.5 sh=6.5 it=8 br=4 tk=0.5", // m4-O3
            "ld=16.5 ru=14.5 ldrd=0.5 st=5.5 mac=2 simd=1 alu=46 sh=6.5 it=10 br=2.5 tk=1.5 m7c=62.1", // m7-Os
            "ld=14 ru=12 ldrd=2.5 st=2.5 strd=1.5 mac=2 simd=0.5 alu=42.5 sh=8.5 it=8 br=4 tk=0.5 m7c=63", // m7-O2
            "ld=14 ru=12 ldrd=2.5 st=2.5 strd=1.5 mac=2 simd=0.5 alu=42.5 sh=8.5 it=8 br=4 tk=0.5 m7c=63", // m7-O3
        ]),
        // q7->q15 loop entry correction per tap
        MeasuredTerm("q2q_entry", .overhead, [
            "-", // m4-Os
            "sh=2 br=-1 tk=-3", // m4-O2
            "sh=2 br=-1 tk=-3", // m4-O3
            "m7c=8", // m7-Os
            "sh=2 br=-1 tk=-3 m7c=-2.8", // m7-O2
            "sh=2 br=-1 tk=-3 m7c=-2.8", // m7-O3
        ]),
        // function entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=37 ru=31 ldm=1 ldmr=9 st=37 stm=1 stmr=9 mac=8 simd=9 alu=21 sh=8 it=1 br=4 tk=2", // m4-Os
            "ld=28 ru=22 ldrd=1 ldm=1 ldmr=9 st=30 stm=1 stmr=9 mac=7 simd=9 alu=31 sh=3 it=1 br=3 tk=-4", // m4-O2
            "ld=32 ru=21 ldrd=1 ldm=1 ldmr=9 st=30 stm=1 stmr=9 mac=7 simd=9 alu=36 sh=3 it=1 br=4 tk=-4", // m4-O3
            "ld=37 ru=34 ldm=1 ldmr=9 st=37 stm=1 stmr=9 mac=8 simd=9 alu=21 sh=8 it=1 br=4 tk=2 m7c=96", // m7-Os
            "ld=29 ru=23 ldrd=1 ldm=1 ldmr=9 st=30 stm=1 stmr=9 mac=7 simd=9 alu=35 sh=2 it=2 br=3 tk=1.5 m7c=-26.9", // m7-O2
            "ld=33 ru=27 ldrd=1 ldm=1 ldmr=9 st=31 stm=1 stmr=9 mac=7 simd=9 alu=36 sh=3 it=2 br=4 tk=1.5 m7c=-12.5", // m7-O3
        ]),
    ])

    // arm_depthwise_conv_s8 (depthwise_conv_s8_generic)
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 10.8% of a run.
    static let depthwiseGeneric = MeasuredKernel(function: "arm_depthwise_conv_s8 (depthwise_conv_s8_generic)", terms: [
        // arm_depthwise_conv_s8 (generic): per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=13 ru=8 st=9 simd=1 alu=13 it=2 br=3 tk=3", // m4-Os
            "ld=4 ru=4 ldrd=2 st=5 strd=1 simd=2 alu=15 it=2 br=2", // m4-O2
            "ld=6 ru=4 ldrd=1 st=5 strd=1 simd=2 alu=17 it=2 br=2", // m4-O3
            "ld=13 ru=9 st=9 simd=1 alu=13 it=2 br=3 tk=3 m7c=33", // m7-Os
            "ld=9 ru=8 st=8 simd=1 alu=19 it=2 br=2 m7c=36.8", // m7-O2
            "ld=7 ru=7 st=6 simd=2 alu=19 it=2 br=2 m7c=33.8", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=11 ru=8 ldrd=1 st=9 simd=1 alu=14 it=2 br=2 tk=1", // m4-Os
            "ld=6 ru=5 ldrd=1 st=7 strd=1 simd=2 alu=24 it=2 br=2", // m4-O2
            "ld=9 ru=6 st=8 strd=1 simd=2 alu=19 it=2 br=2", // m4-O3
            "ld=11 ru=10 ldrd=1 st=9 simd=1 alu=14 it=2 br=2 tk=1 m7c=38", // m7-Os
            "ld=3 ru=3 ldrd=2 st=8 simd=2 alu=22 it=2 br=2 m7c=-41", // m7-O2
            "ld=7 ru=6 st=7 strd=1 simd=2 alu=22 it=2 br=2 m7c=-44.2", // m7-O3
        ]),
        // per output: kernel window limits, bias, requantization, clamp, store
        MeasuredTerm("out", .requant, [
            "ld=30 ru=23 st=11 mac=5 alu=33 sh=3 it=5 br=11 tk=7", // m4-Os
            "ld=28 ru=21 ldrd=2 st=13 strd=1 mac=2 alu=43 sh=3 it=4 br=9 tk=2", // m4-O2
            "ld=42 ru=32 ldrd=1 st=15 strd=1 mac=7 alu=46 sh=3 it=4 br=10 tk=4", // m4-O3
            "ld=30 ru=25 st=11 mac=5 alu=33 sh=3 it=5 br=11 tk=7 m7c=93", // m7-Os
            "ld=32 ru=27 st=13 strd=2 mac=2 alu=47 sh=4 it=4 br=9 tk=2 m7c=59.3", // m7-O2
            "ld=41 ru=36 ldrd=1 st=11 strd=3 mac=7 alu=47 sh=4 it=4 br=10 tk=4 m7c=75.3", // m7-O3
        ]),
        // per output and filter row inside the input
        MeasuredTerm("row", .overhead, [
            "ld=12 ru=10 st=3 mac=2 alu=9 br=3 tk=2", // m4-Os
            "ld=8 ru=6 ldrd=1 st=2 mac=5 alu=8 br=2", // m4-O2
            "ld=2 ru=2 ldrd=1 strd=1 alu=9 br=2", // m4-O3
            "ld=12 ru=11 st=3 mac=2 alu=9 br=3 tk=2 m7c=32", // m7-Os
            "ld=11 ru=10 st=1 mac=5 alu=6 br=2 m7c=46.2", // m7-O2
            "ld=4 ru=2 st=2 alu=8 br=2 m7c=37.2", // m7-O3
        ]),
        // per MAC: 2 byte loads, offset add, MLA, index arithmetic
        MeasuredTerm("mac", .mac, [
            "ld=11 ru=7 st=3 mac=1 alu=7 br=2 tk=2", // m4-Os
            "ld=5 ru=4 mac=1 alu=5 br=1 tk=1", // m4-O2
            "ld=5 ru=4 mac=1 alu=5 br=1 tk=1", // m4-O3
            "ld=11 ru=7 st=3 mac=1 alu=7 br=2 tk=2 m7c=19", // m7-Os
            "ld=5 ru=5 mac=1 alu=5 br=1 tk=1 m7c=7.5", // m7-O2
            "ld=5 ru=5 mac=1 alu=5 br=1 tk=1 m7c=7.5", // m7-O3
        ]),
        // function entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=33 ru=23 ldrd=4 ldm=1 ldmr=9 st=36 stm=1 stmr=9 mac=7 simd=13 alu=16 br=6 tk=4", // m4-Os
            "ld=23 ru=14 ldrd=3 ldm=1 ldmr=9 st=24 strd=1 stm=1 stmr=9 mac=4 simd=13 alu=26 sh=1 br=4", // m4-O2
            "ld=29 ru=17 ldrd=3 ldm=1 ldmr=9 st=27 stm=1 stmr=9 mac=7 simd=13 alu=25 sh=1 br=4", // m4-O3
            "ld=33 ru=27 ldrd=4 ldm=1 ldmr=9 st=36 stm=1 stmr=9 mac=7 simd=13 alu=16 br=6 tk=4 m7c=103", // m7-Os
            "ld=24 ru=14 ldrd=3 ldm=1 ldmr=9 st=25 strd=1 stm=1 stmr=9 mac=4 simd=13 alu=24 sh=1 br=4 m7c=173", // m7-O2
            "ld=28 ru=23 ldrd=3 ldm=1 ldmr=9 st=26 strd=1 stm=1 stmr=9 mac=7 simd=12 alu=24 sh=1 br=4 m7c=186.7", // m7-O3
        ]),
    ])

    // arm_fully_connected_s8 -> arm_nn_vec_mat_mult_t_s8
    // Instruction counts: decomposition approximate, largest miss 21 instructions (1.6% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 5.4% of a run.
    static let fullyConnected = MeasuredKernel(function: "arm_fully_connected_s8 -> arm_nn_vec_mat_mult_t_s8", terms: [
        // arm_fully_connected_s8: per batch row (arm_nn_vec_mat_mult_t_s8 call)
        MeasuredTerm("batch", .overhead, [
            "ld=30 ru=22 ldrd=1 ldm=1 ldmr=9 st=23 strd=2 stm=1 stmr=9 simd=2 alu=27 sh=5 it=2 br=6 tk=6", // m4-Os
            "ld=16 ru=11 ldrd=0.3 ldm=1 ldmr=9 st=12 strd=1.3 stm=1 stmr=9 simd=2 alu=12 sh=1 br=5 tk=5.6", // m4-O2
            "ld=16.3 ru=11 ldrd=0.3 ldm=1 ldmr=9 st=12 strd=1.3 stm=1 stmr=9 simd=2 alu=12 sh=1 br=5 tk=5.7", // m4-O3
            "ld=30 ru=27 ldrd=1 ldm=1 ldmr=9 st=23 strd=2 stm=1 stmr=9 simd=2 alu=27 sh=5 it=2 br=6 tk=6 m7c=68", // m7-Os
            "ld=16 ru=11 ldrd=0.2 ldm=1 ldmr=9 st=12 strd=1.3 stm=1 stmr=9 simd=2 alu=14 sh=1 it=1 br=5 tk=5.5 m7c=28.9", // m7-O2
            "ld=16.3 ru=11.3 ldm=1 ldmr=9 st=12 strd=1.3 stm=1 stmr=9 simd=2 alu=14.2 sh=1 it=1 br=5 tk=5.4 m7c=30.8", // m7-O3
        ]),
        // arm_nn_vec_mat_mult_t_s8, DSP path: per pair of output rows: 2 requantizations, clamps, stores
        MeasuredTerm("rowpair", .requant, [
            "ld=26 ru=14 ldrd=2 st=7 mac=2 alu=42 sh=3 it=8 br=5 tk=2", // m4-Os
            "ld=26 ru=11.6 ldrd=0.6 st=5 mac=2 alu=37 sh=2 it=7 br=7.6 tk=6", // m4-O2
            "ld=25 ru=11 ldrd=0.4 st=5 mac=2 alu=37.6 sh=2 it=7 br=7.4 tk=5.7", // m4-O3
            "ld=26 ru=22 ldrd=2 st=7 mac=2 alu=43 sh=2 it=8 br=5 tk=2 m7c=61", // m7-Os
            "ld=26 ru=19 ldrd=0.6 st=5 mac=2 alu=36.4 sh=3 it=7 br=7.6 tk=6 m7c=58.2", // m7-O2
            "ld=25 ru=18 ldrd=0.6 st=5 mac=2 alu=37 sh=3 it=7 br=7.6 tk=6 m7c=55.5", // m7-O3
        ]),
        // arm_nn_vec_mat_mult_t_s8: 4-column step, 2 rows (8 MACs: 4 SMLAD, SXTAB16/SXTB16), GCC unrolls x8 (#pragma GCC optimize unroll-loops)
        MeasuredTerm("main4", .mac, [
            "ld=6 ru=4 st=3 mac=4 simd=6 alu=2 br=2 tk=2", // m4-Os
            "ld=3 ru=3 mac=4 simd=6 alu=1.8 br=0.2 tk=0.2", // m4-O2
            "ld=3 ru=3 mac=4 simd=6 alu=1.8 br=0.2 tk=0.2", // m4-O3
            "ld=6 ru=4 st=3 mac=4 simd=6 alu=2 br=2 tk=2 m7c=20", // m7-Os
            "ld=3 ru=3 mac=4 simd=6 alu=1.7 br=0.3 tk=0.3 m7c=12", // m7-O2
            "ld=3 ru=3 mac=4 simd=6 alu=1.8 br=0.2 tk=0.2 m7c=12", // m7-O3
        ]),
        // column tail (1), per row pair
        MeasuredTerm("tail_r1", .mac, [
            "ld=5 ru=3 mac=2 alu=3 br=2 tk=2", // m4-Os
            "ld=3.8 ru=2 ldrd=-0.3 st=-0.2 mac=2 alu=5 br=3 tk=1.3", // m4-O2
            "ld=4 ru=2 st=-0.2 mac=2 alu=4.8 br=3.2 tk=2", // m4-O3
            "ld=5 ru=3 mac=2 alu=3 br=2 tk=2 m7c=18", // m7-Os
            "ld=3.8 ru=2.8 ldrd=-0.2 st=-0.2 mac=2 alu=5 br=3 tk=1.3 m7c=8.9", // m7-O2
            "ld=4 ru=3 ldrd=-0.2 st=-0.2 mac=2 alu=5 br=3 tk=1.3 m7c=8.4", // m7-O3
        ]),
        // column tail (2)
        MeasuredTerm("tail_r2", .mac, [
            "ld=10 ru=6 mac=4 alu=6 br=4 tk=4", // m4-Os
            "ld=7 ru=3 mac=4 alu=7 br=4 tk=1", // m4-O2
            "ld=7 ru=3 mac=4 alu=7 br=4 tk=1.3", // m4-O3
            "ld=10 ru=6 mac=4 alu=6 br=4 tk=4 m7c=28", // m7-Os
            "ld=7 ru=5 mac=4 alu=7 br=4 tk=1 m7c=15.4", // m7-O2
            "ld=7 ru=5 mac=4 alu=7 br=4 tk=1 m7c=15.1", // m7-O3
        ]),
        // column tail (3)
        MeasuredTerm("tail_r3", .mac, [
            "ld=15 ru=9 mac=6 alu=9 br=6 tk=6", // m4-Os
            "ld=10 ru=4 mac=6 alu=8 br=4", // m4-O2
            "ld=10 ru=4 mac=6 alu=8 br=4", // m4-O3
            "ld=15 ru=9 mac=6 alu=9 br=6 tk=6 m7c=38", // m7-Os
            "ld=10 ru=7 mac=6 alu=8 br=4 tk=-0.3 m7c=21.6", // m7-O2
            "ld=10 ru=7 mac=6 alu=8 br=4 m7c=20.9", // m7-O3
        ]),
        // odd last output row: one requantization
        MeasuredTerm("odd", .requant, [
            "ld=14 ru=6 st=1 mac=3 alu=25 sh=4 it=5 br=4", // m4-Os
            "ld=11 ru=6.4 ldrd=-0.6 st=2 mac=1 alu=24 sh=3 it=6 br=3.5 tk=0.3", // m4-O2
            "ld=11 ru=7 ldrd=0.2 st=2 mac=1 alu=23.7 sh=3 it=6 br=4.3 tk=2", // m4-O3
            "ld=14 ru=11 st=1 mac=3 alu=25 sh=4 it=5 br=4 m7c=38", // m7-Os
            "ld=11 ru=8 st=2 mac=1 alu=24 sh=3 it=5 br=5 tk=2.2 m7c=40.8", // m7-O2
            "ld=11 ru=9 ldrd=0.6 st=2 mac=1 alu=22.7 sh=3 it=5 br=6.6 tk=4.6 m7c=39", // m7-O3
        ]),
        // odd last row: 4-column step (4 MACs)
        MeasuredTerm("odd_main4", .mac, [
            "ld=3 ru=2 st=1 mac=2 simd=4 alu=2 br=2 tk=2", // m4-Os
            "ld=2 ru=2 mac=2 simd=4 alu=1.2 br=0.3", // m4-O2
            "ld=2 ru=2 mac=2 simd=4 alu=1.2 br=0.3 tk=0.2", // m4-O3
            "ld=3 ru=2 st=1 mac=2 simd=4 alu=2 br=2 tk=2 m7c=11", // m7-Os
            "ld=2 ru=2 mac=2 simd=4 alu=1.2 br=0.3 m7c=8.1", // m7-O2
            "ld=2 ru=2 mac=2 simd=4 alu=1.3 br=0.2 m7c=7.9", // m7-O3
        ]),
        // odd row: tail (1)
        MeasuredTerm("odd_tail_r1", .mac, [
            "ld=3 ru=1 mac=1 alu=3 br=2 tk=2", // m4-Os
            "ld=6.4 ru=2.4 ldrd=0.6 st=2.4 strd=0.3 mac=1 alu=9 it=1 br=3.3 tk=1", // m4-O2
            "ld=6.3 ru=2 ldrd=-0.5 st=2.4 strd=0.3 mac=1 alu=9.8 it=1 br=2.2 tk=-1.3", // m4-O3
            "ld=3 ru=1 mac=1 alu=3 br=2 tk=2 m7c=14", // m7-Os
            "ld=6.4 ru=3.4 ldrd=0.4 st=2.4 strd=0.3 mac=1 alu=9 it=1 br=3 tk=0.4 m7c=18.7", // m7-O2
            "ld=6.3 ru=3.3 ldrd=-0.3 st=2.4 strd=0.3 mac=1 alu=10.2 it=1 br=2.4 tk=-1 m7c=18.8", // m7-O3
        ]),
        // odd row: tail (2)
        MeasuredTerm("odd_tail_r2", .mac, [
            "ld=6 ru=2 mac=2 alu=6 br=4 tk=4", // m4-Os
            "ld=11 ru=3.3 st=4 mac=2 alu=11 it=1 br=4 tk=1", // m4-O2
            "ld=11 ru=3 ldrd=-0.6 st=4 mac=2 alu=11.6 it=1 br=3.4 tk=-0.5", // m4-O3
            "ld=6 ru=2 mac=2 alu=6 br=4 tk=4 m7c=21", // m7-Os
            "ld=11 ru=5 ldrd=0.2 st=4 mac=2 alu=10.8 it=1 br=4.2 tk=1.2 m7c=25.7", // m7-O2
            "ld=11 ru=5 ldrd=-0.4 st=4 mac=2 alu=12 it=1 br=3.6 m7c=27.8", // m7-O3
        ]),
        // odd row: tail (3)
        MeasuredTerm("odd_tail_r3", .mac, [
            "ld=9 ru=3 mac=3 alu=9 br=6 tk=6", // m4-Os
            "ld=16 ru=4.6 ldrd=0.3 st=6 mac=3 alu=13 it=1 br=5.4 tk=2", // m4-O2
            "ld=16 ru=4 ldrd=-0.4 st=6 mac=3 alu=13.3 it=1 br=4.7 tk=0.5", // m4-O3
            "ld=9 ru=3 mac=3 alu=9 br=6 tk=6 m7c=28", // m7-Os
            "ld=16 ru=7 st=6 mac=3 alu=13 it=1 br=5 tk=1 m7c=35", // m7-O2
            "ld=16 ru=7 ldrd=-0.5 st=6 mac=3 alu=13.8 it=1 br=4.6 tk=0.2 m7c=35.7", // m7-O3
        ]),
        // function entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=2 ru=1 ldrd=2 ldm=1 ldmr=9 stm=1 stmr=9 alu=6 br=1", // m4-Os
            "ld=6 ru=3 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=6 br=1 tk=-1", // m4-O2
            "ld=6 ru=3 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=6 br=1 tk=-1", // m4-O3
            "ld=2 ru=1 ldrd=2 ldm=1 ldmr=9 stm=1 stmr=9 alu=6 br=1 m7c=26", // m7-Os
            "ld=6 ru=3 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=6 br=1 tk=-1 m7c=34.4", // m7-O2
            "ld=6 ru=3 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=6 br=1 tk=-0.8 m7c=33.2", // m7-O3
        ]),
        // column loop entry correction per row pair
        MeasuredTerm("main_entry", .overhead, [
            "-", // m4-Os
            "ld=2.7 ru=1 ldrd=0.7 st=0.7 strd=0.7 alu=5 br=1 tk=-0.4", // m4-O2
            "ld=2.7 ru=1 ldrd=0.5 st=0.7 strd=0.7 alu=5 br=1 tk=-0.7", // m4-O3
            "m7c=7", // m7-Os
            "ld=2.7 ru=1.7 ldrd=0.6 st=0.7 strd=0.7 alu=5 br=1 tk=-0.6 m7c=8.2", // m7-O2
            "ld=2.7 ru=1.7 ldrd=0.5 st=0.7 strd=0.7 alu=5.3 br=1 tk=-0.7 m7c=7.3", // m7-O3
        ]),
        // odd row: loop entry correction
        MeasuredTerm("odd_entry", .overhead, [
            "-", // m4-Os
            "ld=2 ru=2.8 ldrd=-0.4 st=1 strd=-0.7 alu=4 sh=3 br=1.3 tk=2", // m4-O2
            "ld=2.3 ru=3 st=1 strd=-0.7 alu=3.5 sh=3 br=2.5 tk=3.5", // m4-O3
            "m7c=7", // m7-Os
            "ld=2 ru=2 ldrd=-0.5 st=1 strd=-0.7 alu=2.8 sh=3 br=0.2 tk=1 m7c=1.6", // m7-O2
            "ld=2.3 ru=2.3 ldrd=-0.7 st=1 strd=-0.7 alu=3 sh=3 br=1 tk=1.3 m7c=3.8", // m7-O3
        ]),
        // unrolled-by-8 loop entry correction per row pair
        MeasuredTerm("main_entry8", .overhead, [
            "-", // m4-Os
            "ld=0.3 ldrd=0.4 st=0.3 strd=0.3 tk=-0.4", // m4-O2
            "ld=0.3 ldrd=0.4 st=0.3 strd=0.3 tk=-0.5", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.3 ru=0.3 ldrd=0.3 st=0.3 strd=0.3 tk=-0.6 m7c=8.5", // m7-O2
            "ld=0.3 ru=0.3 ldrd=0.3 st=0.3 strd=0.3 tk=-0.5 m7c=8.9", // m7-O3
        ]),
        // odd row: unrolled loop entry correction
        MeasuredTerm("odd_entry8", .overhead, [
            "-", // m4-Os
            "ld=0.8 st=0.8 strd=0.3 br=-0.3 tk=-2.2", // m4-O2
            "ld=0.3 ldrd=-0.5 st=0.8 strd=0.3 alu=1 br=-1 tk=-3", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.8 ru=0.8 st=0.8 strd=0.3 tk=-2 m7c=5.8", // m7-O2
            "ld=0.3 ru=0.3 ldrd=0.7 st=0.8 strd=0.3 alu=-0.6 br=0.3 tk=-1 m7c=6.5", // m7-O3
        ]),
        // row-pair loop entry correction
        MeasuredTerm("rowloop_entry", .overhead, [
            "-", // m4-Os
            "ld=11.7 ru=5 ldrd=-0.5 st=14.7 strd=-0.3 mac=2 alu=21 sh=2 it=2 tk=-1", // m4-O2
            "ld=11.7 ru=5 st=14.7 strd=-0.3 mac=2 alu=21 sh=2 it=2", // m4-O3
            "m7c=8", // m7-Os
            "ld=11.7 ru=9.7 ldrd=-0.3 st=12.7 strd=0.7 mac=2 alu=21 sh=1 it=2 tk=-0.4 m7c=37.7", // m7-O2
            "ld=11.7 ru=9.7 st=12.7 strd=0.7 mac=2 alu=20.6 sh=1 it=2 m7c=35.9", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 1) per row pair
        MeasuredTerm("main_mod8_1", .overhead, [
            "-", // m4-Os
            "ldrd=-0.3 alu=0.2 br=1.6", // m4-O2
            "br=2 tk=0.3", // m4-O3
            "m7c=0", // m7-Os
            "br=2 m7c=-0.7", // m7-O2
            "ldrd=-0.3 alu=0.5 br=1.6 m7c=-0.4", // m7-O3
        ]),
        // odd row: unroll remainder 1
        MeasuredTerm("odd_mod8_1", .overhead, [
            "-", // m4-Os
            "ld=0.8 ru=0.8 st=0.8 alu=0.8 br=1.8 tk=0.3", // m4-O2
            "st=0.8 alu=1 br=0.6 tk=-1", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.8 ru=0.8 st=0.8 alu=1 br=1.6 m7c=3.3", // m7-O2
            "ldrd=0.3 st=0.8 br=1 m7c=2.1", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 2) per row pair
        MeasuredTerm("main_mod8_2", .overhead, [
            "-", // m4-Os
            "ld=-0.3 ldrd=-0.3 st=-0.3 strd=-0.2 alu=0.5 br=2.4 tk=-0.2", // m4-O2
            "ld=-0.2 st=-0.3 strd=-0.2 alu=0.4 br=2.6", // m4-O3
            "m7c=0", // m7-Os
            "ld=-0.3 ru=-0.3 st=-0.3 strd=-0.2 alu=0.5 br=2.5 m7c=0.1", // m7-O2
            "ld=-0.2 ru=-0.2 st=-0.3 strd=-0.2 alu=0.3 br=2.6 m7c=0.5", // m7-O3
        ]),
        // odd row: unroll remainder 2
        MeasuredTerm("odd_mod8_2", .overhead, [
            "-", // m4-Os
            "ld=1.5 ru=2 st=1.5 strd=-0.3 alu=1.5 br=2.7 tk=1", // m4-O2
            "ld=0.7 ru=1 ldrd=-0.3 st=1.5 strd=-0.3 alu=1.5 br=1.5 tk=-0.4", // m4-O3
            "m7c=0", // m7-Os
            "ld=1.5 ru=1.5 ldrd=-0.5 st=1.5 strd=-0.3 alu=1.7 br=2.3 m7c=3.9", // m7-O2
            "ld=0.7 ru=0.7 ldrd=-0.6 st=1.5 strd=-0.3 alu=2 br=1.2 tk=-1 m7c=3.3", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 3) per row pair
        MeasuredTerm("main_mod8_3", .overhead, [
            "-", // m4-Os
            "ld=0.6 ldrd=-0.5 st=-0.4 strd=-0.4 alu=-0.2 br=2 tk=-1", // m4-O2
            "ld=-0.4 ldrd=-0.3 st=-0.4 strd=-0.4 alu=-0.4 br=2.4 tk=-0.7", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.6 ru=-0.4 ldrd=-0.3 st=-0.4 strd=-0.4 alu=-0.3 br=2.3 tk=-0.8 m7c=1.8", // m7-O2
            "ld=-0.4 ru=-0.4 ldrd=-0.4 st=-0.4 strd=-0.4 alu=-0.3 br=2.3 tk=-1 m7c=-1.2", // m7-O3
        ]),
        // odd row: unroll remainder 3
        MeasuredTerm("odd_mod8_3", .overhead, [
            "-", // m4-Os
            "ld=4 ru=3 ldrd=1 st=3 strd=0.6 alu=2.2 br=2.7 tk=-1.2", // m4-O2
            "ld=2.6 ru=2 st=3 strd=0.6 alu=1.7 br=0.8 tk=-4", // m4-O3
            "m7c=0", // m7-Os
            "ld=4 ru=3 ldrd=0.6 st=3 strd=0.6 alu=1.3 br=2.2 tk=-2 m7c=8.5", // m7-O2
            "ld=2.6 ru=2.6 ldrd=0.5 st=3 strd=0.6 alu=1.5 br=1 tk=-3.3 m7c=6.4", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 4) per row pair
        MeasuredTerm("main_mod8_4", .overhead, [
            "-", // m4-Os
            "tk=-0.4", // m4-O2
            "tk=-0.2", // m4-O3
            "m7c=0", // m7-Os
            "m7c=0.3", // m7-O2
            "ldrd=0.2 m7c=0.8", // m7-O3
        ]),
        // odd row: unroll remainder 4
        MeasuredTerm("odd_mod8_4", .overhead, [
            "-", // m4-Os
            "ld=0.4 ru=0.3 ldrd=0.3 st=0.4 tk=-0.5", // m4-O2
            "ldrd=0.2 st=0.4 tk=-0.6", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.4 ru=0.4 st=0.4 tk=-0.7 m7c=2.2", // m7-O2
            "st=0.4 alu=0.2 tk=-1 m7c=1.3", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 5) per row pair
        MeasuredTerm("main_mod8_5", .overhead, [
            "-", // m4-Os
            "ld=0.4 ldrd=0.3 st=0.4 strd=0.4 alu=0.2 br=1.7 tk=-1", // m4-O2
            "ld=0.4 ldrd=0.3 st=0.4 strd=0.4 alu=0.3 br=1.7 tk=-1", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.4 ru=0.4 ldrd=0.4 st=0.4 strd=0.4 alu=0.2 br=1.8 tk=-1 m7c=0.8", // m7-O2
            "ld=0.4 ru=0.4 ldrd=0.4 st=0.4 strd=0.4 br=1.8 tk=-1 m7c=1.5", // m7-O3
        ]),
        // odd row: unroll remainder 5
        MeasuredTerm("odd_mod8_5", .overhead, [
            "-", // m4-Os
            "ld=0.3 ru=1.5 ldrd=-0.2 st=0.3 strd=-0.7 alu=0.8 br=2.3 tk=2", // m4-O2
            "ld=-0.7 ldrd=-0.5 st=0.3 strd=-0.7 alu=0.5 br=1 tk=0.7", // m4-O3
            "m7c=0", // m7-Os
            "ld=0.3 ru=0.3 ldrd=-1.4 st=0.3 strd=-0.7 alu=1.4 br=1 m7c=1.1", // m7-O2
            "ld=-0.7 ru=-0.7 ldrd=-0.6 st=0.3 strd=-0.7 alu=0.6 br=1 tk=0.4 m7c=-1.3", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 6) per row pair
        MeasuredTerm("main_mod8_6", .overhead, [
            "-", // m4-Os
            "alu=0.5 br=2.4 tk=-1", // m4-O2
            "ldrd=0.2 alu=0.5 br=2.5 tk=-0.8", // m4-O3
            "m7c=0", // m7-Os
            "ldrd=0.2 alu=0.4 br=2.6 tk=-0.8 m7c=1.6", // m7-O2
            "ldrd=0.3 alu=0.3 br=2.6 tk=-0.7 m7c=2", // m7-O3
        ]),
        // odd row: unroll remainder 6
        MeasuredTerm("odd_mod8_6", .overhead, [
            "-", // m4-Os
            "ld=1.7 ru=3 ldrd=0.4 st=1.7 strd=-0.4 alu=1.5 br=3.3 tk=1.7", // m4-O2
            "ld=0.6 ru=1 ldrd=-1 st=1.7 strd=-0.4 alu=2 br=1 tk=-2", // m4-O3
            "m7c=0", // m7-Os
            "ld=1.7 ru=1.7 ldrd=-0.6 st=1.7 strd=-0.4 alu=1.7 br=2.3 tk=-0.3 m7c=1.9", // m7-O2
            "ld=0.6 ru=0.6 ldrd=-0.5 st=1.7 strd=-0.4 alu=1.7 br=1.4 tk=-1 m7c=0.9", // m7-O3
        ]),
        // unroll remainder (4-column groups mod 8 = 7) per row pair
        MeasuredTerm("main_mod8_7", .overhead, [
            "-", // m4-Os
            "ld=1 alu=-0.2 br=2.3 tk=-2", // m4-O2
            "alu=-0.3 br=2.3 tk=-2", // m4-O3
            "m7c=0", // m7-Os
            "ld=1 ldrd=0.2 alu=-0.4 br=2.4 tk=-1.7 m7c=3.9", // m7-O2
            "alu=-0.4 br=2.3 tk=-2 m7c=1.2", // m7-O3
        ]),
        // odd row: unroll remainder 7
        MeasuredTerm("odd_mod8_7", .overhead, [
            "-", // m4-Os
            "ld=4.8 ru=3.4 ldrd=0.7 st=3.8 strd=0.5 alu=2.2 br=2.4 tk=-3", // m4-O2
            "ld=2.5 ru=2 st=3.8 strd=0.5 alu=2 br=0.5 tk=-5.8", // m4-O3
            "m7c=0", // m7-Os
            "ld=4.8 ru=3.8 st=3.8 strd=0.5 alu=1.7 br=1.8 tk=-4.2 m7c=10.6", // m7-O2
            "ld=2.5 ru=2.5 ldrd=0.4 st=3.8 strd=0.5 alu=1.5 br=1 tk=-4.6 m7c=4.2", // m7-O3
        ]),
    ])

    // arm_avgpool_s8 (DSP path)
    // Instruction counts: decomposition approximate, largest miss 11 instructions (0.0% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 30.1% of a run.
    static let avgPool = MeasuredKernel(function: "arm_avgpool_s8 (DSP path)", terms: [
        // arm_avgpool_s8 (DSP): per output pixel: window limits
        MeasuredTerm("pixel", .overhead, [
            "ld=15 ru=11 st=8 alu=16 it=3 br=5 tk=3", // m4-Os
            "ld=15 ru=10 ldrd=2 st=7 strd=1 mac=1 alu=25 sh=1 it=3 br=3 tk=-2.8", // m4-O2
            "ld=13 ru=9 ldrd=3 st=7 strd=1 mac=1 alu=23 sh=1 it=3 br=3 tk=-2.8", // m4-O3
            "ld=15 ru=11 st=8 alu=16 it=3 br=5 tk=3 m7c=48.8", // m7-Os
            "ld=14 ru=12 ldrd=2 st=7 strd=1 mac=1 alu=24 sh=1 it=3 br=3 tk=-2.8 m7c=31.4", // m7-O2
            "ld=14 ru=12 ldrd=2 st=7 strd=1 mac=1 alu=22 sh=1 it=3 br=3 tk=-2.8 m7c=32.4", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=13 ru=10 st=8 mac=1 alu=14 it=2 br=3 tk=2", // m4-Os
            "ld=10 ru=7 ldrd=1 st=9 strd=1 mac=1 alu=19 it=2 br=2 tk=2", // m4-O2
            "ld=10 ru=7 ldrd=1 st=9 strd=1 mac=1 alu=19 it=2 br=2 tk=2", // m4-O3
            "ld=13 ru=12 st=8 mac=1 alu=14 it=2 br=3 tk=2 m7c=33.9", // m7-Os
            "ld=9 ru=7 ldrd=2 st=11 strd=1 mac=1 alu=16 it=2 br=2 tk=2 m7c=28.4", // m7-O2
            "ld=9 ru=7 ldrd=2 st=11 strd=1 mac=1 alu=16 it=2 br=2 tk=2 m7c=28.4", // m7-O3
        ]),
        // per pixel and window row
        MeasuredTerm("row", .overhead, [
            "ld=9 ru=6 st=3 strd=1 mac=1 alu=10 it=1 br=4 tk=2", // m4-Os
            "ld=2 ru=2 alu=8 br=4 tk=1.6", // m4-O2
            "ld=2 ru=2 alu=8 br=4 tk=1.6", // m4-O3
            "ld=9 ru=6 st=3 strd=1 mac=1 alu=10 it=1 br=4 tk=2 m7c=31.3", // m7-Os
            "ld=2 ru=2 alu=8 br=4 tk=1.6 m7c=27.3", // m7-O2
            "ld=2 ru=2 alu=8 br=4 tk=1.6 m7c=27.3", // m7-O3
        ]),
        // per window tap inside the input
        MeasuredTerm("tap", .overhead, [
            "ld=6 ru=4 st=2 alu=7 br=3 tk=2", // m4-Os
            "ld=1 ru=1 st=1 alu=7 br=2", // m4-O2
            "ld=1 ru=1 st=1 alu=9 br=2", // m4-O3
            "ld=6 ru=4 st=2 alu=7 br=3 tk=2 m7c=19.7", // m7-Os
            "ld=1 ru=1 st=1 alu=7 br=2 m7c=14.7", // m7-O2
            "ld=1 ru=1 st=1 alu=9 br=2 m7c=13.7", // m7-O3
        ]),
        // per tap and channel: QADD into the int32 scratch sum
        MeasuredTerm("tap_ch", .mac, [
            "ld=4 ru=3 st=2 simd=1 alu=4 br=2 tk=1", // m4-Os
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1", // m4-O2
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1", // m4-O3
            "ld=4 ru=3 st=2 simd=1 alu=4 br=2 tk=1 m7c=13", // m7-Os
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1 m7c=6", // m7-O2
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1 m7c=6", // m7-O3
        ]),
        // per output value: rounding division by the count (SDIV), clamp, store
        MeasuredTerm("pix_ch", .requant, [
            "ld=2 ru=1 simd=-1 alu=7 it=3 br=1 tk=2 div=1", // m4-Os
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1", // m4-O2
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1", // m4-O3
            "ld=2 ru=1 simd=-1 alu=7 it=3 br=1 tk=2 div=1 m7c=15", // m7-Os
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1 m7c=14.2", // m7-O2
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1 m7c=14.2", // m7-O3
        ]),
        // function entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=21 ru=16 ldrd=1 ldm=1 ldmr=9 st=14 stm=1 stmr=9 mac=2 alu=12 br=5 tk=2", // m4-Os
            "ld=18 ru=12 ldrd=4 ldm=1 ldmr=9 st=15 strd=2 stm=1 stmr=9 mac=3 alu=27 sh=1 br=5 tk=-2.6", // m4-O2
            "ld=18 ru=12 ldrd=4 ldm=1 ldmr=9 st=17 strd=1 stm=1 stmr=9 mac=3 alu=27 sh=1 br=5 tk=-2.6", // m4-O3
            "ld=21 ru=17 ldrd=1 ldm=1 ldmr=9 st=14 stm=1 stmr=9 mac=2 alu=12 br=5 tk=2 m7c=46", // m7-Os
            "ld=16 ru=13 ldrd=6 ldm=1 ldmr=9 st=17 strd=1 stm=1 stmr=9 mac=3 alu=25 sh=1 br=5 tk=-2.6 m7c=54.6", // m7-O2
            "ld=16 ru=13 ldrd=6 ldm=1 ldmr=9 st=19 stm=1 stmr=9 mac=3 alu=24 sh=1 br=5 tk=-2.6 m7c=53.6", // m7-O3
        ]),
    ])

    // arm_max_pool_s8
    // Instruction counts: decomposition approximate, largest miss 514 instructions (15.2% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 34.0% of a run.
    static let maxPool = MeasuredKernel(function: "arm_max_pool_s8", terms: [
        // arm_max_pool_s8: per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=13 ru=8 st=10 alu=17 it=2 br=4.2 tk=6.5", // m4-Os
            "ld=3.6 ru=3.6 ldrd=1.5 st=2 strd=1.5 mac=1 alu=19 it=2 br=2.8 tk=4", // m4-O2
            "ld=11.7 ru=7.6 ldrd=-3 st=5 strd=-3 mac=1 alu=20.6 it=3 br=5.5 tk=7", // m4-O3
            "ld=13 ru=10 st=10 alu=17 it=2 br=4.2 tk=6.5 m7c=5.4", // m7-Os
            "ld=3.6 ru=3.6 ldrd=1.5 st=2 strd=1.5 mac=1 alu=19 it=2 br=2.8 tk=4 m7c=3.4", // m7-O2
            "ld=11.7 ru=8 ldrd=-3 st=5 strd=-3 mac=1 alu=20.6 it=3 br=5.5 tk=7 m7c=2.1", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=22.7 ru=15.7 st=11.7 mac=1 simd=0.3 alu=17 it=2.3 br=4.7 tk=1.6", // m4-Os
            "ld=13.3 ru=7.3 ldrd=0.6 st=3.7 strd=0.6 mac=1 simd=0.3 alu=26 it=2.3 br=4.3 tk=-1", // m4-O2
            "ld=11.4 ru=5.3 ldrd=1 st=8.8 strd=1 mac=1 simd=0.3 alu=19.6 it=2.3 br=6.8 tk=3.4", // m4-O3
            "ld=22.7 ru=18.7 st=11.7 mac=1 simd=0.3 alu=17 it=2.3 br=4.7 tk=1.6 m7c=46.6", // m7-Os
            "ld=15.2 ru=13.2 ldrd=0.6 st=4.7 strd=0.6 mac=1 simd=0.3 alu=26 it=3.3 br=4.3 tk=-1 m7c=41.6", // m7-O2
            "ld=11.3 ru=7 ldrd=1 st=9.8 mac=1 simd=0.3 alu=19.6 it=2.3 br=6.8 tk=3.4 m7c=29.3", // m7-O3
        ]),
        // per window row
        MeasuredTerm("row", .overhead, [
            "ld=11.7 ru=6.7 st=2.7 mac=1 alu=8.5 br=6.4 tk=1.8", // m4-Os
            "ld=6 ru=5 ldrd=0.2 st=1.7 strd=0.2 alu=9.5 br=6 tk=3.3", // m4-O2
            "ld=4 ru=3 ldrd=0.5 st=0.6 strd=0.5 alu=7 br=2 tk=1.7", // m4-O3
            "ld=11.7 ru=7.7 st=2.7 mac=1 alu=8.5 br=6.4 tk=1.8 m7c=43.6", // m7-Os
            "ld=6 ru=5 ldrd=0.2 st=1.7 strd=0.2 alu=9.5 br=6 tk=3.3 m7c=36.9", // m7-O2
            "ld=4 ru=5 ldrd=0.5 st=0.6 strd=0.5 alu=6 br=2 tk=1.7 m7c=31.5", // m7-O3
        ]),
        // per window tap (memcpy of the first tap included)
        MeasuredTerm("tap", .overhead, [
            "ld=6 ru=5 st=1 alu=8.8 br=2.8 tk=1.7", // m4-Os
            "ld=1.7 ru=1.7 ldrd=1 strd=1 alu=9 br=3 tk=0.3", // m4-O2
            "ld=1.7 ru=1.7 ldrd=1.7 strd=1.7 alu=9 it=1 br=3.3 tk=0.5", // m4-O3
            "ld=6 ru=5 st=1 alu=8.8 br=2.8 tk=1.7 m7c=19.4", // m7-Os
            "ld=1.7 ru=1.7 ldrd=1 strd=1 alu=9 br=3 tk=0.3 m7c=13.4", // m7-O2
            "ld=1.7 ru=1.4 ldrd=1.7 strd=1.7 alu=9 br=3.3 tk=0.5 m7c=14.7", // m7-O3
        ]),
        // compare_and_replace_if_larger_q7: 4 channels per step
        MeasuredTerm("tap_quad", .mac, [
            "ld=4 ru=3 st=2 simd=10 alu=10 sh=2 it=4 br=2 tk=2", // m4-Os
            "ld=2 ru=1 st=1 simd=10 alu=10 sh=2 it=4 br=1 tk=1", // m4-O2
            "ld=2 ru=1 st=1 simd=10 alu=10 sh=2 it=4 br=1 tk=1", // m4-O3
            "ld=4 ru=3 st=2 simd=10 alu=12 it=4 br=2 tk=2 m7c=23", // m7-Os
            "ld=2 ru=2 st=1 simd=10 alu=12 it=4 br=1 tk=1 m7c=20.7", // m7-O2
            "ld=2 ru=2 st=1 simd=10 alu=12 it=4 br=1 tk=1 m7c=20.6", // m7-O3
        ]),
        // compare/replace leftover channel
        MeasuredTerm("tap_rem", .mac, [
            "ld=2 ru=1 st=1 alu=2 it=1 br=2 tk=1", // m4-Os
            "ld=2 ru=2 st=1 alu=2.5 it=1 br=1 tk=0.4", // m4-O2
            "ld=2 ru=1 st=1 alu=1.6 it=1 br=0.6", // m4-O3
            "ld=2 ru=1 st=1 alu=2 it=1 br=2 tk=1 m7c=9.1", // m7-Os
            "ld=2 ru=1 st=1 alu=2.5 it=1 br=1 tk=0.4 m7c=8.3", // m7-O2
            "ld=2 ru=1.3 st=1 alu=1.6 it=1 br=0.6 m7c=5.3", // m7-O3
        ]),
        // clamp_output: 4 channels per step
        MeasuredTerm("pix_quad", .requant, [
            "ld=-2 ru=-1 simd=1 alu=9.8 sh=-2 it=4 br=0.7", // m4-Os
            "ru=1 st=1 simd=1 alu=9 sh=-1 it=4 br=0.7", // m4-O2
            "ld=2 ru=2 st=2 simd=1 alu=9 sh=-1 it=4 br=0.7", // m4-O3
            "ld=-2 ru=-1 simd=1 alu=7.8 it=4 br=0.7 m7c=10.9", // m7-Os
            "st=1 simd=1 alu=8 it=4 br=0.7 m7c=10.8", // m7-O2
            "ld=2 ru=2 st=2 simd=1 alu=8 it=4 br=0.7 m7c=17.1", // m7-O3
        ]),
        // clamp leftover channel
        MeasuredTerm("pix_rem", .requant, [
            "ld=-1 simd=2.7 alu=4.4 it=1.3", // m4-Os
            "ld=-1 ru=-1 simd=2.7 alu=3.3 sh=0.2 it=1.3 br=0.7", // m4-O2
            "ld=-0.5 ru=0.3 st=0.2 simd=2.7 alu=4.5 sh=0.2 it=1.3 br=1", // m4-O3
            "ld=-1 simd=2.7 alu=4.4 it=1.3 m7c=3.3", // m7-Os
            "ld=-1 simd=2.7 alu=3.6 it=1.3 br=0.7 m7c=3.6", // m7-O2
            "ld=-0.5 ru=0.3 st=0.2 simd=2.7 alu=4.8 it=1.3 br=1 m7c=7.1", // m7-O3
        ]),
        // function entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=33.5 ru=24.5 ldrd=2 ldm=1 ldmr=9 st=27.5 stm=1 stmr=9 mac=5 simd=-3 alu=17.5 sh=3 br=3.7 tk=1", // m4-Os
            "ld=22.4 ru=11.4 ldrd=5 ldm=1 ldmr=9 st=28.5 stm=1 stmr=9 mac=6 simd=-3 alu=19.4 sh=-0.3 br=4 tk=2.7", // m4-O2
            "ld=20.8 ru=14 ldrd=5.8 ldm=1 ldmr=9 st=25.2 strd=0.8 stm=1 stmr=9 mac=6 simd=-3 alu=30 sh=0.7 br=0.6 tk=-2.2", // m4-O3
            "ld=33.5 ru=23.5 ldrd=2 ldm=1 ldmr=9 st=27.5 stm=1 stmr=9 mac=5 simd=-3 alu=17.5 sh=3 br=3.7 tk=1 m7c=98.3", // m7-Os
            "ld=22 ru=17 ldrd=5 ldm=1 ldmr=9 st=25.5 strd=1 stm=1 stmr=9 mac=6 simd=-3 alu=20 br=4 tk=2.7 m7c=64.9", // m7-O2
            "ld=20 ru=17 ldrd=5.8 ldm=1 ldmr=9 st=26.2 strd=0.8 stm=1 stmr=9 mac=6 simd=-3 alu=28 sh=1 br=0.6 tk=-2.2 m7c=80", // m7-O3
        ]),
    ])

    // arm_elementwise_add_s8
    // Instruction counts: decomposition approximate, largest miss 45 instructions (2.7% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 9.3% of a run.
    static let elementwiseAdd = MeasuredKernel(function: "arm_elementwise_add_s8", terms: [
        // arm_elementwise_add_s8: entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=25 ru=21 ldm=1 ldmr=9 st=19 strd=2 stm=1 stmr=9 simd=1 alu=34 sh=12 it=3 br=2", // m4-Os
            "ld=4.3 ru=3 ldm=1 ldmr=9 st=4.7 strd=1 stm=1 stmr=9 simd=2 alu=7 sh=2 br=2.3 tk=2.3", // m4-O2
            "ld=5.7 ru=4 ldm=1 ldmr=9 st=5 strd=1 stm=1 stmr=9 simd=2 alu=6 sh=2.4 br=3.8 tk=5", // m4-O3
            "ld=25 ru=23 ldm=1 ldmr=9 st=19 strd=2 stm=1 stmr=9 simd=1 alu=33 sh=13 it=3 br=2 m7c=78", // m7-Os
            "ld=5 ru=3 ldm=1 ldmr=9 st=5 strd=1 stm=1 stmr=9 simd=2 alu=6.6 sh=2.4 br=2.3 tk=1.3 m7c=28.2", // m7-O2
            "ld=7 ru=6 ldm=1 ldmr=9 st=5.2 strd=1 stm=1 stmr=9 simd=2 alu=8 sh=1.7 br=3.6 tk=2.4 m7c=30", // m7-O3
        ]),
        // 4 elements: 2 inputs rescaled (2 x doubling high multiply + rounding shift each), sum, output requantization, clamp
        MeasuredTerm("quad", .mac, [
            "ld=91 ru=66 st=7 mac=12 simd=15 alu=145 sh=22 it=33 br=2 tk=2", // m4-Os
            "ld=67.5 ru=58.5 ldrd=1 st=19.5 mac=12 simd=16 alu=151.5 sh=17 it=26 br=14 tk=10", // m4-O2
            "ld=67 ru=56 ldrd=1 st=19.5 mac=12 simd=16 alu=153.4 sh=16 it=26 br=14 tk=10", // m4-O3
            "ld=91 ru=82 st=7 mac=12 simd=15 alu=150 sh=17 it=32 br=2 tk=2 m7c=220", // m7-Os
            "ld=63.5 ru=56.5 ldrd=1 st=17 mac=12 simd=16 alu=154.4 sh=17 it=24 br=16.4 tk=12.4 m7c=225.8", // m7-O2
            "ld=63 ru=55 ldrd=2 st=18 mac=12 simd=16 alu=156 sh=16 it=23 br=17.5 tk=13.5 m7c=228.8", // m7-O3
        ]),
        // 4-element loop entry correction
        MeasuredTerm("quad_entry", .overhead, [
            "-", // m4-Os
            "ld=10.7 ru=5.6 st=17.3 strd=1 alu=21 sh=4", // m4-O2
            "ld=9.4 ru=4.5 st=16 strd=1 alu=22 sh=3 tk=-0.8", // m4-O3
            "m7c=8", // m7-Os
            "ld=11.6 ru=8.6 st=17 strd=1 alu=22 sh=3.8 br=0.7 tk=1.4 m7c=58.5", // m7-O2
            "ld=10 ru=8 st=15.8 strd=1 alu=21 sh=4 tk=1.8 m7c=62.3", // m7-O3
        ]),
        // scalar tail (1 element)
        MeasuredTerm("r1", .mac, [
            "ld=25 ru=17 st=1 mac=3 alu=40 sh=4 it=8 br=2 tk=2", // m4-Os
            "ld=37 ru=23 st=10 strd=1 mac=3 alu=53.3 sh=9.2 it=8 br=5 tk=0.4", // m4-O2
            "ld=27.3 ru=23 st=6 mac=3 alu=47.8 sh=8.8 it=2 br=11 tk=7.2", // m4-O3
            "ld=25 ru=22 st=1 mac=3 alu=41 sh=3 it=8 br=2 tk=2 m7c=62", // m7-Os
            "ld=33 ru=28 st=10 strd=1 mac=3 alu=53 sh=8 it=5 br=12.8 tk=11.2 m7c=101.9", // m7-O2
            "ld=25.4 ru=21.4 st=6 mac=3 alu=47.6 sh=8.6 it=2 br=11.6 tk=8.2 m7c=91", // m7-O3
        ]),
        // scalar tail (2)
        MeasuredTerm("r2", .mac, [
            "ld=50 ru=34 st=2 mac=6 alu=80 sh=8 it=16 br=4 tk=4", // m4-Os
            "ld=63.4 ru=41.4 st=11.3 strd=1 mac=6 alu=94 sh=13 it=16 br=9 tk=1", // m4-O2
            "ld=48.2 ru=38.3 st=7 mac=6 alu=84 sh=11 it=4 br=23.6 tk=18", // m4-O3
            "ld=50 ru=44 st=2 mac=6 alu=82 sh=6 it=16 br=4 tk=4 m7c=117", // m7-Os
            "ld=56 ru=48 st=11 strd=1 mac=6 alu=91.5 sh=13 it=10 br=23.3 tk=19 m7c=163.8", // m7-O2
            "ld=45.5 ru=38.5 st=7 mac=6 alu=84.3 sh=11.7 it=4 br=23.4 tk=16.7 m7c=168.7", // m7-O3
        ]),
        // scalar tail (3)
        MeasuredTerm("r3", .mac, [
            "ld=75 ru=51 st=3 mac=9 alu=120 sh=12 it=24 br=6 tk=6", // m4-Os
            "ld=88 ru=58.7 st=12.4 strd=1 mac=9 alu=134.5 sh=17 it=24 br=12 tk=0.6", // m4-O2
            "ld=70.3 ru=58.3 st=9.2 mac=9 alu=123.7 sh=15 it=9 br=32 tk=22.3", // m4-O3
            "ld=75 ru=66 st=3 mac=9 alu=123 sh=9 it=24 br=6 tk=6 m7c=172", // m7-Os
            "ld=78.3 ru=67.3 st=12 strd=1 mac=9 alu=130 sh=17 it=15 br=35 tk=29 m7c=221.8", // m7-O2
            "ld=69.6 ru=60.6 st=9.3 mac=9 alu=124.3 sh=13.7 it=9 br=34 tk=26.8 m7c=246.2", // m7-O3
        ]),
    ])

    // arm_elementwise_mul_s8
    // Instruction counts: decomposition approximate, largest miss 9 instructions (0.7% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 2.8% of a run.
    static let elementwiseMul = MeasuredKernel(function: "arm_elementwise_mul_s8", terms: [
        // arm_elementwise_mul_s8: entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=15 ru=14 ldm=1 ldmr=9 st=8 strd=2 stm=1 stmr=9 alu=21 sh=8 it=1 br=2", // m4-Os
            "ld=2 ru=2 ldrd=2 ldm=1 ldmr=9 st=6 stm=1 stmr=9 simd=2 alu=8 sh=2 br=3 tk=3", // m4-O2
            "ld=3 ru=2 ldm=1 ldmr=9 st=4 stm=1 stmr=9 simd=2 alu=9 sh=2 br=3 tk=3", // m4-O3
            "ld=15 ru=15 ldm=1 ldmr=9 st=8 strd=2 stm=1 stmr=9 alu=21 sh=8 it=1 br=2 m7c=51", // m7-Os
            "ld=2 ru=2 ldrd=2 ldm=1 ldmr=9 st=6 stm=1 stmr=9 simd=2 alu=8 sh=2 br=3 tk=3.5 m7c=29.8", // m7-O2
            "ld=3 ru=3 ldm=1 ldmr=9 st=4 stm=1 stmr=9 simd=2 alu=8.5 sh=2 br=3 tk=2.5 m7c=25.2", // m7-O3
        ]),
        // 4 elements: offset, multiply, requantize, clamp
        MeasuredTerm("quad", .mac, [
            "ld=29 ru=27 st=5 mac=8 simd=13 alu=67 sh=7 it=16 br=2 tk=2", // m4-Os
            "ld=25 ru=21 ldrd=1 st=6 mac=8 simd=12 alu=64.5 sh=8 it=15 br=4 tk=1.5", // m4-O2
            "ld=28 ru=24 ldrd=1 st=5 mac=8 simd=13 alu=63.5 sh=7 it=15 br=4 tk=1.5", // m4-O3
            "ld=29 ru=28 st=5 mac=8 simd=13 alu=66 sh=8 it=16 br=2 tk=2 m7c=107", // m7-Os
            "ld=25 ru=22 ldrd=1 st=6 mac=8 simd=12 alu=64.5 sh=8 it=15 br=4 tk=1.5 m7c=104.2", // m7-O2
            "ld=28 ru=25 ldrd=1 st=5 mac=8 simd=13 alu=63.5 sh=7 it=15 br=4 tk=1.5 m7c=111.2", // m7-O3
        ]),
        // loop entry correction
        MeasuredTerm("quad_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=3 ldrd=1 st=6 strd=2 alu=12.5 sh=2 tk=-0.5", // m4-O2
            "ld=4 ru=2 ldrd=2 st=4 strd=3 alu=12.7 sh=2 tk=0.3", // m4-O3
            "m7c=8", // m7-Os
            "ld=5 ru=4 ldrd=1 st=6 strd=2 alu=12 sh=2 br=-0.2 tk=-1 m7c=19.5", // m7-O2
            "ld=4 ru=4 ldrd=2 st=4 strd=3 alu=13 sh=2 m7c=21.5", // m7-O3
        ]),
        // tail (1)
        MeasuredTerm("r1", .mac, [
            "ld=9 ru=7 st=1 mac=2 alu=18 sh=1 it=4 br=2 tk=2", // m4-Os
            "ld=14 ru=9 st=2 strd=1 mac=2 alu=25.7 sh=3 it=4 br=2 tk=-0.7", // m4-O2
            "ld=7 ru=5 st=1 mac=2 alu=22 sh=2 it=4 br=2 tk=1", // m4-O3
            "ld=9 ru=8 st=1 mac=2 alu=18 sh=1 it=4 br=2 tk=2 m7c=32", // m7-Os
            "ld=13 ru=10 st=2 strd=1 mac=2 alu=25.8 sh=3 it=3 br=4.6 tk=2 m7c=40.7", // m7-O2
            "ld=7 ru=6 st=1 mac=2 alu=21.7 sh=2 it=4 br=2 tk=1.3 m7c=26.7", // m7-O3
        ]),
        // tail (2)
        MeasuredTerm("r2", .mac, [
            "ld=18 ru=14 st=2 mac=4 alu=36 sh=2 it=8 br=4 tk=4", // m4-Os
            "ld=23 ru=14 st=3 strd=1 mac=4 alu=44 sh=4 it=8 br=4", // m4-O2
            "ld=13 ru=9 st=2 mac=4 alu=38.4 sh=3 it=9 br=3 tk=1.6", // m4-O3
            "ld=18 ru=16 st=2 mac=4 alu=36 sh=2 it=8 br=4 tk=4 m7c=57", // m7-Os
            "ld=21 ru=16 st=3 strd=1 mac=4 alu=43.4 sh=4 it=6 br=9 tk=6 m7c=67.2", // m7-O2
            "ld=13 ru=11 st=2 mac=4 alu=38.7 sh=3 it=8 br=3 tk=1.3 m7c=49.9", // m7-O3
        ]),
        // tail (3)
        MeasuredTerm("r3", .mac, [
            "ld=27 ru=21 st=3 mac=6 alu=54 sh=3 it=12 br=6 tk=6", // m4-Os
            "ld=32 ru=19 st=4 strd=1 mac=6 alu=62.6 sh=5 it=12 br=6 tk=0.4", // m4-O2
            "ld=19 ru=14 st=3 mac=6 alu=54 sh=4 it=13 br=3", // m4-O3
            "ld=27 ru=24 st=3 mac=6 alu=54 sh=3 it=12 br=6 tk=6 m7c=82", // m7-Os
            "ld=29 ru=22 st=4 strd=1 mac=6 alu=60.7 sh=5 it=9 br=13.7 tk=10.5 m7c=93.6", // m7-O2
            "ld=19 ru=16 st=3 mac=6 alu=53 sh=4 it=12 br=3 tk=1 m7c=76", // m7-O3
        ]),
    ])

    // arm_softmax_s8
    // Instruction counts: decomposition approximate, largest miss 890 instructions (8.9% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 11.0% of a run.
    static let softmax = MeasuredKernel(function: "arm_softmax_s8", terms: [
        // arm_softmax_s8: entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=7.8 ru=6.8 ldm=2 ldmr=11 st=11 stm=2 stmr=15 mac=1 simd=1 alu=38 sh=1 br=1 tk=-6.8", // m4-Os
            "ld=13.6 ru=11.7 ldm=2 ldmr=11 st=13 stm=2 stmr=11 mac=3.8 alu=21 sh=3.8 br=2 tk=3.8", // m4-O2
            "ld=10.4 ru=8.3 ldm=2 ldmr=11 st=11 strd=1 stm=2 stmr=11 mac=2.2 alu=13 sh=2.5 br=3.2 tk=7", // m4-O3
            "ld=4.6 ru=3.6 ldm=2 ldmr=11 st=11 stm=2 stmr=15 mac=-3.2 simd=-2.8 alu=-29 sh=-3.6 br=-0.5 m7c=79.3", // m7-Os
            "ld=7.6 ru=6.5 ldm=2 ldmr=11 st=12 stm=2 stmr=11 mac=1 alu=19 sh=1 br=0.7 tk=-2.4 m7c=122.6", // m7-O2
            "ld=4 ru=3 ldm=2 ldmr=11 st=12 stm=2 stmr=11 mac=-1 alu=-1.6 sh=-1 br=1 tk=0.7 m7c=47", // m7-O3
        ]),
        // per row: max, reciprocal of the sum
        MeasuredTerm("row", .requant, [
            "ld=12 ru=9 st=6 mac=6 simd=-6 alu=39 sh=6 it=9 br=16.5 tk=15.7", // m4-Os
            "ld=5.5 ru=1.2 st=12 strd=1 mac=7 simd=1 alu=76.5 sh=3 it=3 br=20.3 tk=11", // m4-O2
            "ld=2.6 ru=-1.5 st=12 strd=1 mac=6.5 simd=1 alu=56 sh=1.5 it=3 br=19.7 tk=14.2", // m4-O3
            "ld=12.6 ru=10.6 st=6 mac=6.8 simd=-5.3 alu=59 sh=7 it=9 br=16 tk=10.5 m7c=96.3", // m7-Os
            "ld=2 ru=-2 st=15 strd=1 mac=8 simd=1 alu=60 sh=2 it=3 br=23 tk=18 m7c=111.5", // m7-O2
            "ld=3.7 ru=-1.3 st=15 strd=1 mac=9 simd=1 alu=61.6 sh=3 it=3 br=23.3 tk=19.3 m7c=122.9", // m7-O3
        ]),
        // per element over the 3 passes (max, exp-sum, output); data-dependent, measured with inputs within 12 of the row max
        MeasuredTerm("elem", .mac, [
            "ld=40 ru=32 st=2 mac=33 simd=23 alu=288.7 sh=39.8 it=19 br=30.5 tk=17", // m4-Os
            "ld=62.4 ru=49.5 st=29 mac=32.7 simd=22 alu=300.5 sh=31.7 it=16 br=28 tk=12.8", // m4-O2
            "ld=62.5 ru=49.6 st=29 mac=32.7 simd=22 alu=301 sh=32.7 it=16 br=28 tk=12.6", // m4-O3
            "ld=40 ru=33 st=2 mac=33 simd=23 alu=288.7 sh=40 it=17 br=30.5 tk=17 m7c=349", // m7-Os
            "ld=66.6 ru=60.6 st=32 mac=32.8 simd=21 alu=301 sh=31.8 it=16 br=32 tk=19.6 m7c=377.9", // m7-O2
            "ld=66.6 ru=61.6 st=32 mac=32.8 simd=21 alu=301.8 sh=31.8 it=16 br=32 tk=19.6 m7c=375.3", // m7-O3
        ]),
    ])

    // arm_convolve_s16 -> arm_nn_mat_mult_kernel_s16 (memcpy/memset excluded)
    // Instruction counts: decomposition approximate, largest miss 59 instructions (4.5% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 7.1% of a run.
    static let convolveS16 = MeasuredKernel(function: "arm_convolve_s16 -> arm_nn_mat_mult_kernel_s16 (memcpy/memset excluded)", terms: [
        // arm_convolve_s16 im2col: per tap inside the input (memcpy call; body modelled separately)
        MeasuredTerm("tap_copy", .im2col, [
            "ld=9 ru=7 ldrd=1 st=2 alu=10 br=6 tk=4", // m4-Os
            "ld=3 ru=3 alu=12 br=6 tk=4", // m4-O2
            "ld=1 ru=1.2 ldrd=0.2 strd=0.2 alu=10.8 br=5 tk=3.8", // m4-O3
            "ld=9 ru=9 ldrd=1 st=2 alu=10 br=6 tk=4 m7c=19.3", // m7-Os
            "ld=2 ru=2 alu=12 br=5 tk=2 m7c=4", // m7-O2
            "ld=1 ru=1 ldrd=0.2 st=-0.2 strd=0.2 alu=10.4 br=4 tk=2 m7c=0.4", // m7-O3
        ]),
        // im2col: per padded-row tap (memset call)
        MeasuredTerm("tap_pad_y", .im2col, [
            "ld=7 ru=6 ldrd=1 st=2 alu=9.4 br=3.4 tk=3", // m4-Os
            "ld=2 ru=2 alu=9.5 br=3.4 tk=3", // m4-O2
            "ld=-0.4 ru=-0.4 ldrd=-0.6 st=0.3 strd=-0.6 alu=6.7 br=2 tk=2.6", // m4-O3
            "ld=7 ru=7 ldrd=1 st=2 alu=9.4 br=3.4 tk=3 m7c=20.6", // m7-Os
            "ld=1 ru=1 alu=9 br=4 tk=2 m7c=3.4", // m7-O2
            "ld=0.2 ldrd=-0.6 st=0.6 strd=-0.6 alu=7.5 br=2 tk=2 m7c=-0.2", // m7-O3
        ]),
        // im2col: per padded-column tap (memset call)
        MeasuredTerm("tap_pad_x", .im2col, [
            "ld=7.3 ru=6.4 ldrd=1 st=2 alu=10.6 br=4.3 tk=2", // m4-Os
            "ld=2.2 ru=2.3 alu=10.5 br=4.5 tk=2.4", // m4-O2
            "ld=0.4 ru=0.6 ldrd=0.3 strd=0.3 alu=9 br=3.4 tk=2.2", // m4-O3
            "ld=7.3 ru=7.4 ldrd=1 st=2 alu=10.6 br=4.3 tk=2 m7c=26.4", // m7-Os
            "ld=1.2 ru=1.4 alu=10.5 br=5.5 tk=4 m7c=8.5", // m7-O2
            "ld=0.6 ru=0.8 ldrd=0.3 st=-0.3 strd=0.3 alu=8.6 br=4.4 tk=3 m7c=6.8", // m7-O3
        ]),
        // im2col: per pixel and filter row
        MeasuredTerm("pixel_krow", .im2col, [
            "ld=5.3 ru=5 ldrd=1 st=2 simd=-0.3 alu=8 br=3.4 tk=2.5", // m4-Os
            "ld=6 ru=5 ldrd=1 st=1 strd=1 simd=-0.3 alu=9 br=2 tk=0.3", // m4-O2
            "ld=6.4 ru=5.3 ldrd=1 st=0.3 strd=1 simd=-0.3 alu=12 br=4 tk=0.7", // m4-O3
            "ld=5.3 ru=5 ldrd=1 st=2 simd=-0.3 alu=8 br=3.4 tk=2.5 m7c=26", // m7-Os
            "ld=6 ru=6 ldrd=2 strd=2 simd=-0.3 alu=12 sh=1 it=1 br=3 tk=3.3 m7c=60.3", // m7-O2
            "ld=6.4 ru=6 ldrd=1 st=0.8 strd=1 simd=-0.3 alu=15 it=0.7 br=4.8 tk=2.4 m7c=64.8", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .im2col, [
            "ld=16.3 ru=10.6 st=6 mac=-0.5 simd=0.4 alu=15 sh=2 br=4.3 tk=4.2", // m4-Os
            "ld=14.6 ru=11.7 ldrd=2 st=8 strd=1 mac=-0.5 simd=0.4 alu=14 sh=4 br=4.3 tk=-0.3", // m4-O2
            "ld=16.6 ru=12.5 ldrd=2.6 st=8 strd=1.6 mac=-0.5 simd=0.4 alu=18.7 sh=2 br=5 tk=-0.7", // m4-O3
            "ld=16.3 ru=13.8 st=6 mac=-0.5 simd=0.4 alu=15 sh=2 br=4.3 tk=4.2 m7c=50.8", // m7-Os
            "ld=15.5 ru=14 ldrd=2 st=8 strd=1 mac=-0.5 simd=0.4 alu=16.2 sh=2 br=4.5 tk=-0.2 m7c=10.2", // m7-O2
            "ld=16.8 ru=14 ldrd=2.6 st=8.5 strd=1.6 mac=-0.5 simd=0.4 alu=16.6 sh=2 br=5 m7c=18.8", // m7-O3
        ]),
        // arm_nn_mat_mult_kernel_s16 call per pixel pair
        MeasuredTerm("pair", .overhead, [
            "ld=21.4 ru=19.4 ldm=1 ldmr=9 st=21 strd=1 stm=1 stmr=9 mac=0.3 simd=1 alu=6 sh=5 it=2 br=2.2 tk=-2", // m4-Os
            "ru=0.6 ldrd=-1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 mac=0.3 alu=4.6 sh=-5.8 it=1 br=3 tk=7", // m4-O2
            "ldrd=-2 ldm=1 ldmr=9 st=0.6 stm=1 stmr=9 mac=0.3 alu=-7.7 sh=-0.8 it=1 br=1 tk=6.6", // m4-O3
            "ld=21.4 ru=18.3 ldm=1 ldmr=9 st=21 strd=1 stm=1 stmr=9 mac=0.3 simd=1 alu=6 sh=5 it=2 br=2.2 tk=-2 m7c=29", // m7-Os
            "ld=-1.6 ru=-1.5 ldrd=-1 ldm=1 ldmr=9 st=1.4 stm=1 stmr=9 mac=0.3 alu=6.5 sh=-1.8 it=2 br=2.7 tk=7 m7c=-12.7", // m7-O2
            "ld=-1.8 ru=-1.5 ldrd=-2 ldm=1 ldmr=9 st=-1 stm=1 stmr=9 mac=0.3 alu=-4.3 sh=-1.8 it=2 br=1 tk=7 m7c=-35", // m7-O3
        ]),
        // per 2x2 block: 4 requantizations (64-bit bias path), clamps, stores
        MeasuredTerm("block", .requant, [
            "ld=56 ru=47.5 ldrd=3 st=18 strd=6 mac=11.5 simd=2.5 alu=103 sh=4 it=18 br=7.2 tk=4.2", // m4-Os
            "ld=29 ru=24.6 ldrd=9 st=13.5 strd=6 mac=11.5 simd=2.5 alu=88 sh=3.4 it=15 br=11 tk=8", // m4-O2
            "ld=23.7 ru=22 ldrd=9 st=9.3 strd=7 mac=11.5 simd=2.5 alu=91.5 sh=1.4 it=15 br=9.7 tk=6.7", // m4-O3
            "ld=56 ru=49.6 ldrd=3 st=18 strd=6 mac=11.5 simd=2.5 alu=101 sh=6 it=19 br=7.2 tk=4.2 m7c=171.6", // m7-Os
            "ld=28 ru=23 ldrd=10 st=13.7 strd=6 mac=11.5 simd=2.5 alu=81 sh=2.4 it=8 br=15 tk=12 m7c=140.2", // m7-O2
            "ld=21 ru=18.6 ldrd=10 st=9.5 strd=7 mac=11.5 simd=2.5 alu=85 sh=1.4 it=8 br=13.8 tk=10.7 m7c=128.4", // m7-O3
        ]),
        // arm_nn_mat_mult_kernel_s16: 4-column step, 2 channels x 2 pixels (16 MACs)
        MeasuredTerm("block_main", .mac, [
            "ld=18 ru=12 st=6 mac=8 simd=8 alu=4 sh=2 br=2 tk=2", // m4-Os
            "ld=8 ru=5 st=1 mac=8 simd=8 alu=3 br=1 tk=1", // m4-O2
            "ld=9 ru=6 st=2 mac=8 simd=8 alu=3 br=1 tk=1", // m4-O3
            "ld=18 ru=11 st=6 mac=8 simd=8 alu=4 sh=2 br=2 tk=2 m7c=45", // m7-Os
            "ld=8 ru=6 st=1 mac=8 simd=8 alu=3 br=1 tk=1 m7c=26", // m7-O2
            "ld=9 ru=7 st=2 mac=8 simd=8 alu=3 br=1 tk=1 m7c=26", // m7-O3
        ]),
        // scalar column tail, per column per 2x2 block
        MeasuredTerm("block_tail", .mac, [
            "ld=11 ru=7.5 ldrd=1 st=5 mac=4.5 simd=-0.7 alu=1 br=3 tk=3", // m4-Os
            "ld=5 ru=3.4 mac=4.5 simd=-0.7 alu=1.3 br=1.4 tk=1.2", // m4-O2
            "ld=6.6 ru=3 mac=4.5 simd=-0.7 alu=0.6 br=0.6 tk=-1", // m4-O3
            "ld=11 ru=7.4 ldrd=1 st=5 mac=4.5 simd=-0.7 alu=1 br=3 tk=3 m7c=24.8", // m7-Os
            "ld=5 ru=2.2 mac=4.5 simd=-0.7 alu=1.3 br=1.4 tk=1.2 m7c=16.9", // m7-O2
            "ld=6.6 ru=3 mac=4.5 simd=-0.7 alu=0.5 br=0.6 tk=-1 m7c=14.4", // m7-O3
        ]),
        // tail entry correction
        MeasuredTerm("block_tail_entry", .overhead, [
            "ld=-0.3 simd=0.2 br=-0.3 tk=-0.4", // m4-Os
            "ld=5 ru=2.4 st=2.3 simd=0.2 alu=8 sh=0.5 br=-1.5 tk=-4", // m4-O2
            "ld=4 ru=3 st=1 simd=0.2 alu=4.3 sh=0.5 br=1.2 tk=1.6", // m4-O3
            "ld=-0.3 simd=0.2 br=-0.3 tk=-0.4 m7c=10.1", // m7-Os
            "ld=5.2 ru=3.3 st=2.4 simd=0.2 alu=8 sh=0.5 br=-1.5 tk=-4 m7c=7.8", // m7-O2
            "ld=4 ru=3.5 st=1.2 simd=0.2 alu=4.4 sh=0.5 br=1.3 tk=1.6 m7c=8.8", // m7-O3
        ]),
        // loop entry correction
        MeasuredTerm("block_main_entry", .overhead, [
            "ld=1 ru=0.6 mac=0.6 simd=-0.6 br=1 tk=1", // m4-Os
            "ld=3.5 ru=2.6 ldrd=2 st=1.7 strd=1 mac=0.6 simd=-0.6 alu=4 sh=0.7 br=-1 tk=-4", // m4-O2
            "ld=4.7 ru=2.2 ldrd=3 st=5 strd=1 mac=0.6 simd=-0.6 alu=2.6 sh=0.7 br=-0.7 tk=-4", // m4-O3
            "ld=1 ru=0.5 mac=0.6 simd=-0.6 br=1 tk=1 m7c=13.9", // m7-Os
            "ld=3.3 ru=4 ldrd=2 st=1.4 strd=1 mac=0.6 simd=-0.6 alu=4 sh=0.7 br=-1 tk=-4 m7c=22.9", // m7-O2
            "ld=4.4 ru=3.6 ldrd=3 st=2.6 strd=2 mac=0.6 simd=-0.6 alu=2 sh=0.7 br=-0.7 tk=-3.8 m7c=23.1", // m7-O3
        ]),
        // channel-pair loop entry correction
        MeasuredTerm("rows_entry", .overhead, [
            "-", // m4-Os
            "ld=10 ru=6 ldrd=2 st=16 strd=3 simd=4 alu=14 sh=7 it=1 br=-1 tk=-3", // m4-O2
            "ld=10 ru=7 ldrd=2 st=19 strd=2 simd=5 alu=16 sh=7 it=1 br=-1 tk=-3", // m4-O3
            "m7c=8.7", // m7-Os
            "ld=10 ru=8 ldrd=2 st=16 strd=3 simd=4 alu=14 sh=7 it=1 br=-1 tk=-3 m7c=40.4", // m7-O2
            "ld=11 ru=9 ldrd=2 st=18 strd=2 simd=5 alu=15 sh=7 it=1 br=-1 tk=-3 m7c=39.4", // m7-O3
        ]),
        // odd channel correction
        MeasuredTerm("oddoc_entry", .overhead, [
            "ld=-2.3 ru=-1.3 mac=-1.3 simd=1.3 alu=-0.3 br=-2 tk=-2", // m4-Os
            "ld=-2.4 ru=-2 st=1 mac=-1.3 simd=2.3 alu=0.6 sh=1.2 br=-1 tk=-1.3", // m4-O2
            "ld=-2.2 ru=-1 st=1 mac=-1.3 simd=2.3 alu=0.8 sh=1.2 br=-1.4 tk=-1.8", // m4-O3
            "ld=-2.3 ru=-1 mac=-1.3 simd=1.3 alu=-0.3 br=-2 tk=-2 m7c=-4.4", // m7-Os
            "ld=-2.3 st=1 mac=-1.3 simd=2.3 alu=0.6 sh=1.2 br=-1 tk=-1.2 m7c=-1.7", // m7-O2
            "ld=-2 ru=-0.8 st=1 mac=-1.3 simd=2.3 alu=1 sh=1.2 br=-1.4 tk=-2 m7c=-2", // m7-O3
        ]),
        // odd last channel: 2 outputs
        MeasuredTerm("oddoc", .requant, [
            "ld=23 ru=14.6 ldrd=1 st=2 mac=7.6 simd=-0.6 alu=58.4 sh=3 it=9 br=8.4 tk=4.4", // m4-Os
            "ld=19.3 ru=13 ldrd=1 st=3 mac=7.6 simd=-0.6 alu=52.7 sh=6 it=8 br=9 tk=5", // m4-O2
            "ld=19 ru=13.6 ldrd=1 st=3.3 mac=7.6 simd=-0.6 alu=54.6 sh=4 it=8 br=8.7 tk=5", // m4-O3
            "ld=23 ru=16.2 ldrd=1 st=2 mac=7.6 simd=-0.6 alu=57.4 sh=4 it=9 br=8.4 tk=4.4 m7c=90.4", // m7-Os
            "ld=18 ru=11.4 ldrd=1 st=3 mac=7.6 simd=-0.6 alu=51.7 sh=3 it=4 br=11 tk=7 m7c=83.4", // m7-O2
            "ld=18 ru=13.5 ldrd=1 st=3 mac=7.6 simd=-0.6 alu=49.4 sh=4 it=4 br=10.7 tk=7 m7c=80.1", // m7-O3
        ]),
        // odd last channel: per column (2 MACs)
        MeasuredTerm("oddoc_mac", .mac, [
            "ld=1.2 ru=1 mac=1 simd=1 alu=0.7 br=0.5 tk=0.5", // m4-Os
            "ld=1.2 ru=1 mac=1 simd=1 alu=0.7 br=0.2 tk=0.3", // m4-O2
            "ld=1.2 ru=1 mac=1 simd=1 alu=0.7 br=0.2 tk=0.2", // m4-O3
            "ld=1.2 ru=1.2 mac=1 simd=1 alu=0.7 br=0.5 tk=0.5 m7c=4", // m7-Os
            "ld=1.2 ru=1.2 mac=1 simd=1 alu=0.7 br=0.2 tk=0.3 m7c=3.5", // m7-O2
            "ld=1.2 ru=1.2 mac=1 simd=1 alu=0.7 br=0.2 tk=0.2 m7c=3.5", // m7-O3
        ]),
        // odd last pixel: per output
        MeasuredTerm("lo_out", .requant, [
            "ld=16 ru=11.3 st=1 mac=3.4 simd=-0.8 alu=34.2 sh=2 it=4 br=9.4 tk=5.3", // m4-Os
            "ld=14.4 ru=10.5 st=2 mac=3.4 simd=-0.8 alu=31.7 sh=3 it=3 br=8.6 tk=4.4", // m4-O2
            "ld=15.7 ru=11 st=3 mac=3.4 simd=-0.8 alu=31 sh=3 it=3 br=7.7 tk=3.5", // m4-O3
            "ld=16 ru=11.3 st=1 mac=3.4 simd=-0.8 alu=34.2 sh=2 it=5 br=9.4 tk=5.3 m7c=65", // m7-Os
            "ld=13.7 ru=10.3 st=1.5 mac=3.4 simd=-0.8 alu=31.8 sh=1 it=2 br=9.6 tk=5.4 m7c=52.8", // m7-O2
            "ld=15 ru=11.5 st=2.3 mac=3.4 simd=-0.8 alu=27.5 sh=3 it=2 br=8.6 tk=4.5 m7c=50.6", // m7-O3
        ]),
        // odd last pixel: per MAC
        MeasuredTerm("lo_mac", .mac, [
            "ld=0.7 ru=0.7 mac=0.5 simd=1 alu=0.7 br=0.2 tk=0.2", // m4-Os
            "ld=1.8 ru=1.5 st=0.8 mac=0.5 simd=1 alu=0.5 br=0.2 tk=0.2", // m4-O2
            "ld=1.3 ru=1 st=0.5 mac=0.5 simd=1 alu=0.5 br=0.2 tk=0.2", // m4-O3
            "ld=0.7 ru=0.7 mac=0.5 simd=1 alu=0.7 br=0.2 tk=0.2 m7c=2.7", // m7-Os
            "ld=1.8 ru=1.8 st=0.8 mac=0.5 simd=1 alu=0.5 br=0.2 tk=0.2 m7c=4", // m7-O2
            "ld=1.3 ru=1.2 st=0.5 mac=0.5 simd=1 alu=0.5 br=0.2 tk=0.2 m7c=3", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=10 ru=7 st=5 alu=8 br=4 tk=1.4", // m4-Os
            "ld=7 ru=6 ldrd=1 st=2 strd=1 alu=9 br=3", // m4-O2
            "ld=10 ru=6 st=4 alu=9.7 br=3 tk=1", // m4-O3
            "ld=10 ru=8 st=5 alu=8 br=4 tk=1.4 m7c=30.8", // m7-Os
            "ld=7 ru=7 ldrd=1 st=2 strd=1 alu=11 br=3 m7c=25", // m7-O2
            "ld=10.2 ru=8 st=4 alu=8 br=3.3 tk=1 m7c=19.7", // m7-O3
        ]),
        // entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=48 ru=38 ldrd=1 ldm=1 ldmr=9 st=34 stm=1 stmr=9 mac=15 alu=19.4 sh=4 br=8.5 tk=5", // m4-Os
            "ld=45 ru=27.7 ldrd=1 ldm=1 ldmr=9 st=32 stm=1 stmr=9 mac=15 alu=29.4 sh=0.7 br=5.5 tk=-0.7", // m4-O2
            "ld=41 ru=26.7 ldrd=1 ldm=1 ldmr=9 st=33 stm=1 stmr=9 mac=15 alu=29.7 sh=-0.3 br=4.5 tk=-1", // m4-O3
            "ld=48 ru=38 ldrd=1 ldm=1 ldmr=9 st=34 stm=1 stmr=9 mac=15 alu=19.4 sh=4 br=8.5 tk=5 m7c=126.1", // m7-Os
            "ld=45 ru=34 ldm=1 ldmr=9 st=31 stm=1 stmr=9 mac=15 alu=28 sh=0.7 br=5 tk=-0.7 m7c=116.9", // m7-O2
            "ld=41.7 ru=33.7 ldrd=2 ldm=1 ldmr=9 st=33.8 stm=1 stmr=9 mac=15 alu=32 sh=-0.3 br=4.7 tk=-0.8 m7c=119.5", // m7-O3
        ]),
    ])

    // arm_depthwise_conv_s16
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 12.0% of a run.
    static let depthwiseS16 = MeasuredKernel(function: "arm_depthwise_conv_s16", terms: [
        // arm_depthwise_conv_s16: per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=13 ru=9 st=9 simd=1 alu=12 it=2 br=3 tk=3", // m4-Os
            "ld=7 ru=4 ldrd=1 st=5 strd=1 simd=1 alu=16 it=2 br=2", // m4-O2
            "ld=7 ru=4 ldrd=2 st=6 strd=2 simd=1 alu=18 it=3 br=2", // m4-O3
            "ld=13 ru=10 st=9 simd=1 alu=12 it=2 br=3 tk=3 m7c=36", // m7-Os
            "ld=7 ru=6 st=5 simd=1 alu=17 it=2 br=2 m7c=33.8", // m7-O2
            "ld=8 ru=7 ldrd=1 st=6 strd=1 simd=1 alu=18 it=2 br=2 m7c=35.8", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=14 ru=10 ldrd=1 st=10 simd=1 alu=12 it=2 br=2 tk=1", // m4-Os
            "ld=3 ru=2 ldrd=2 st=6 strd=2 simd=2 alu=16 it=3 br=2", // m4-O2
            "ld=4 ru=2 ldrd=1 st=7 strd=1 simd=2 alu=18 it=2 br=2", // m4-O3
            "ld=14 ru=11 ldrd=1 st=10 simd=1 alu=12 it=2 br=2 tk=1 m7c=40", // m7-Os
            "ld=3 ru=3 ldrd=2 st=6 strd=2 simd=2 alu=15 it=2 br=2 m7c=-25.9", // m7-O2
            "ld=3 ru=3 ldrd=1 st=7 strd=1 simd=2 alu=14 it=2 br=2 m7c=-28.9", // m7-O3
        ]),
        // per output: 64-bit accumulator requantization
        MeasuredTerm("out", .requant, [
            "ld=34 ru=23 ldrd=1 st=13 strd=1 mac=7 alu=34 sh=1 it=5 br=11 tk=7", // m4-Os
            "ld=26 ru=21 ldrd=4 st=12 strd=2 mac=4 alu=47 sh=1 it=4 br=10 tk=4", // m4-O2
            "ld=41 ru=29 ldrd=4 st=13 strd=3 mac=9 alu=48 sh=3 it=4 br=10 tk=4", // m4-O3
            "ld=34 ru=23 ldrd=1 st=13 strd=1 mac=7 alu=34 sh=1 it=5 br=11 tk=7 m7c=97", // m7-Os
            "ld=27 ru=24 ldrd=5 st=12 strd=4 mac=4 alu=45 sh=1 it=2 br=11 tk=5 m7c=69.7", // m7-O2
            "ld=38 ru=30 ldrd=4 st=10 strd=4 mac=9 alu=45 sh=2 it=2 br=11 tk=5 m7c=81.7", // m7-O3
        ]),
        // per output and filter row
        MeasuredTerm("row", .overhead, [
            "ld=12 ru=9 st=4 mac=2 alu=8 sh=1 br=3 tk=2", // m4-Os
            "ld=12 ru=8 st=1 strd=1 mac=5 alu=8 sh=1 br=2", // m4-O2
            "ld=3 ru=2 ldrd=1 st=1 strd=1 alu=10 br=2", // m4-O3
            "ld=12 ru=11 st=4 mac=2 alu=8 sh=1 br=3 tk=2 m7c=31", // m7-Os
            "ld=8 ru=8 ldrd=2 st=2 mac=5 alu=7 sh=1 br=2 m7c=42.5", // m7-O2
            "ld=3 ru=3 ldrd=1 st=1 strd=1 alu=8 br=2 m7c=32.5", // m7-O3
        ]),
        // per MAC
        MeasuredTerm("mac", .mac, [
            "ld=11 ru=5 ldrd=1 st=3 strd=1 mac=1 alu=4 br=2 tk=2", // m4-Os
            "ld=4 ru=2 ldrd=1 strd=1 mac=1 alu=4 br=1 tk=1", // m4-O2
            "ld=4 ru=2 ldrd=1 strd=1 mac=1 alu=4 br=1 tk=1", // m4-O3
            "ld=11 ru=6 ldrd=1 st=3 strd=1 mac=1 alu=4 br=2 tk=2 m7c=18", // m7-Os
            "ld=4 ru=3 ldrd=1 strd=1 mac=1 alu=4 br=1 tk=1 m7c=9.2", // m7-O2
            "ld=4 ru=3 ldrd=1 strd=1 mac=1 alu=4 br=1 tk=1 m7c=9.2", // m7-O3
        ]),
        // entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=40 ru=27 ldm=1 ldmr=9 st=34 stm=1 stmr=9 mac=10 simd=6 alu=19 br=5 tk=3", // m4-Os
            "ld=22 ru=13 ldrd=4 ldm=1 ldmr=9 st=23 strd=2 stm=1 stmr=9 mac=4 simd=11 alu=19 sh=2 br=3 tk=-1", // m4-O2
            "ld=27 ru=15 ldrd=2 ldm=1 ldmr=9 st=21 strd=1 stm=1 stmr=9 mac=7 simd=10 alu=23 sh=2 br=3 tk=-1", // m4-O3
            "ld=40 ru=32 ldm=1 ldmr=9 st=34 stm=1 stmr=9 mac=10 simd=6 alu=19 br=5 tk=3 m7c=107", // m7-Os
            "ld=22 ru=12 ldrd=4 ldm=1 ldmr=9 st=23 strd=2 stm=1 stmr=9 mac=4 simd=11 alu=19 sh=2 br=3 tk=-1 m7c=170.5", // m7-O2
            "ld=24 ru=13 ldrd=4 ldm=1 ldmr=9 st=22 strd=1 stm=1 stmr=9 mac=7 simd=10 alu=25 sh=1 br=3 tk=-1 m7c=179.5", // m7-O3
        ]),
    ])

    // arm_fully_connected_s16 -> arm_nn_vec_mat_mult_t_s16
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 5.1% of a run.
    static let fullyConnectedS16 = MeasuredKernel(function: "arm_fully_connected_s16 -> arm_nn_vec_mat_mult_t_s16", terms: [
        // arm_fully_connected_s16: per batch row
        MeasuredTerm("batch", .overhead, [
            "ld=17 ru=12 ldrd=1 ldm=1 ldmr=9 st=15 strd=1 stm=1 stmr=9 alu=23 sh=7 it=2 br=5 tk=5", // m4-Os
            "ld=8 ru=6 ldrd=1 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 alu=12 sh=4 it=1 br=4 tk=5", // m4-O2
            "ld=8 ru=6 ldrd=1 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 alu=12 sh=4 it=1 br=4 tk=5", // m4-O3
            "ld=17 ru=15 ldrd=1 ldm=1 ldmr=9 st=15 strd=1 stm=1 stmr=9 alu=22 sh=8 it=2 br=5 tk=5 m7c=53.3", // m7-Os
            "ld=8 ru=6 ldrd=1 ldm=1 ldmr=9 st=8 stm=1 stmr=9 alu=15 sh=3 it=2 br=4 tk=5 m7c=33.5", // m7-O2
            "ld=8 ru=6 ldrd=1 ldm=1 ldmr=9 st=8 stm=1 stmr=9 alu=15 sh=3 it=2 br=4 tk=5 m7c=34", // m7-O3
        ]),
        // arm_nn_vec_mat_mult_t_s16: per row pair: 64-bit bias, 2 requantizations
        MeasuredTerm("rowpair", .requant, [
            "ld=29 ru=24 ldrd=2 st=10 strd=3 mac=6 alu=53 it=8 br=5 tk=2", // m4-Os
            "ld=25 ru=21 ldrd=2 st=3 strd=2 mac=6 alu=46 it=8 br=5 tk=4", // m4-O2
            "ld=25 ru=21 ldrd=2 st=3 strd=2 mac=6 alu=46 it=8 br=5 tk=4", // m4-O3
            "ld=29 ru=26 ldrd=2 st=10 strd=3 mac=6 alu=53 it=8 br=5 tk=2 m7c=87.9", // m7-Os
            "ld=25 ru=22 ldrd=2 st=3 strd=2 mac=6 alu=42 it=4 br=7 tk=6 m7c=71.9", // m7-O2
            "ld=25 ru=22 ldrd=2 st=3 strd=2 mac=6 alu=42 it=4 br=7 tk=6 m7c=72.8", // m7-O3
        ]),
        // 4-column step, 2 rows (8 MACs)
        MeasuredTerm("main4", .mac, [
            "ld=11 ru=9 st=4 mac=4 simd=8 alu=5 br=2 tk=2", // m4-Os
            "ld=4 ru=2 mac=4 simd=8 alu=2 br=1 tk=1", // m4-O2
            "ld=4 ru=2 mac=4 simd=8 alu=2 br=1 tk=1", // m4-O3
            "ld=11 ru=10 st=4 mac=4 simd=8 alu=5 br=2 tk=2 m7c=30", // m7-Os
            "ld=4 ru=3 mac=4 simd=8 alu=2 br=1 tk=1 m7c=17.2", // m7-O2
            "ld=4 ru=3 mac=4 simd=8 alu=2 br=1 tk=1 m7c=17.2", // m7-O3
        ]),
        // loop entry correction
        MeasuredTerm("main_entry", .overhead, [
            "-", // m4-Os
            "ld=5 ru=3 st=5 alu=6 br=-1 tk=-3", // m4-O2
            "ld=2 ru=2 ldrd=1 st=3 strd=1 alu=6 br=-1 tk=-3", // m4-O3
            "m7c=8.1", // m7-Os
            "ld=5 ru=3 st=5 alu=6 br=-1 tk=-3 m7c=16.1", // m7-O2
            "ld=2 ru=2 ldrd=1 st=3 strd=1 alu=6 br=-1 tk=-3 m7c=14.5", // m7-O3
        ]),
        // per tail column (2 MACs)
        MeasuredTerm("tail", .mac, [
            "ld=4 ru=3 ldrd=2 strd=2 mac=2 alu=2 br=2 tk=2", // m4-Os
            "ld=3 ru=2 mac=2 alu=1 br=1 tk=1", // m4-O2
            "ld=3 ru=2 mac=2 alu=1 br=1 tk=1", // m4-O3
            "ld=4 ru=3 ldrd=2 strd=2 mac=2 alu=2 br=2 tk=2 m7c=13", // m7-Os
            "ld=3 ru=2 mac=2 alu=1 br=1 tk=1 m7c=11.1", // m7-O2
            "ld=3 ru=2 mac=2 alu=1 br=1 tk=1 m7c=11.1", // m7-O3
        ]),
        // tail entry correction
        MeasuredTerm("tail_entry", .overhead, [
            "-", // m4-Os
            "ld=2 ru=2 ldrd=1 st=1 strd=1 alu=3 tk=-2", // m4-O2
            "ld=2 ru=2 ldrd=1 st=1 strd=1 alu=3 tk=-2", // m4-O3
            "m7c=7", // m7-Os
            "ld=2 ru=2 ldrd=1 st=1 strd=1 alu=3 tk=-2 m7c=4.7", // m7-O2
            "ld=2 ru=2 ldrd=1 st=1 strd=1 alu=3 tk=-2 m7c=4.7", // m7-O3
        ]),
        // odd last row
        MeasuredTerm("odd", .requant, [
            "ld=7 ru=6 ldrd=1 st=1 mac=4 alu=27 sh=3 it=3 br=3 tk=-1", // m4-Os
            "ld=5 ru=5 ldrd=1 st=1 mac=3 alu=27 it=5 br=4 tk=2", // m4-O2
            "ld=5 ru=5 ldrd=1 st=1 mac=3 alu=27 it=5 br=4 tk=2", // m4-O3
            "ld=7 ru=6 ldrd=1 st=1 mac=4 alu=27 sh=3 it=4 br=3 tk=-1 m7c=33.6", // m7-Os
            "ld=5 ru=5 ldrd=1 st=1 mac=3 alu=25 it=3 br=5 tk=3 m7c=46.1", // m7-O2
            "ld=5 ru=5 ldrd=1 st=1 mac=3 alu=25 it=3 br=5 tk=3 m7c=46.2", // m7-O3
        ]),
        // odd row: 4-column step
        MeasuredTerm("odd_main4", .mac, [
            "ld=3 ru=3 mac=2 simd=4 alu=3 br=2 tk=2", // m4-Os
            "ld=3 ru=3 mac=2 simd=4 alu=2 br=1 tk=1", // m4-O2
            "ld=3 ru=3 mac=2 simd=4 alu=2 br=1 tk=1", // m4-O3
            "ld=3 ru=3 mac=2 simd=4 alu=3 br=2 tk=2 m7c=11", // m7-Os
            "ld=3 ru=3 mac=2 simd=4 alu=2 br=1 tk=1 m7c=9", // m7-O2
            "ld=3 ru=3 mac=2 simd=4 alu=2 br=1 tk=1 m7c=9", // m7-O3
        ]),
        // odd row entry correction
        MeasuredTerm("odd_main_entry", .overhead, [
            "-", // m4-Os
            "ld=2 ru=2 st=1 alu=4 sh=2 br=-1 tk=-3", // m4-O2
            "ld=2 ru=2 st=1 alu=4 sh=2 br=-1 tk=-3", // m4-O3
            "m7c=7.8", // m7-Os
            "ld=2 ru=2 st=1 alu=4 sh=2 br=-1 tk=-3 m7c=-1.1", // m7-O2
            "ld=2 ru=2 st=1 alu=4 sh=2 br=-1 tk=-3 m7c=-1.3", // m7-O3
        ]),
        // odd row: per tail column
        MeasuredTerm("odd_tail", .mac, [
            "ld=3 ru=1 st=1 mac=1 alu=2 br=2 tk=2", // m4-Os
            "ld=2 ru=1 mac=1 alu=1 br=1 tk=1", // m4-O2
            "ld=2 ru=1 mac=1 alu=1 br=1 tk=1", // m4-O3
            "ld=3 ru=1 st=1 mac=1 alu=2 br=2 tk=2 m7c=9", // m7-Os
            "ld=2 ru=1 mac=1 alu=1 br=1 tk=1 m7c=6.3", // m7-O2
            "ld=2 ru=1 mac=1 alu=1 br=1 tk=1 m7c=6.4", // m7-O3
        ]),
        // odd row tail correction
        MeasuredTerm("odd_tail_entry", .overhead, [
            "-", // m4-Os
            "ld=1 ru=1 alu=2 tk=-2", // m4-O2
            "ld=1 ru=1 alu=2 tk=-2", // m4-O3
            "m7c=7", // m7-Os
            "ld=1 ru=1 alu=2 tk=-2 m7c=-1.7", // m7-O2
            "ld=1 ru=1 alu=2 tk=-2 m7c=-2", // m7-O3
        ]),
        // row loop entry correction
        MeasuredTerm("rows_entry", .overhead, [
            "-", // m4-Os
            "ld=10 ru=4 ldrd=2 st=12 strd=1 mac=1 alu=20 sh=2 it=2 tk=-2", // m4-O2
            "ld=9 ru=4 ldrd=2 st=12 strd=1 mac=1 alu=21 sh=2 it=2 tk=-2", // m4-O3
            "m7c=8.1", // m7-Os
            "ld=9 ru=8 ldrd=2 st=12 strd=1 mac=1 alu=22 sh=1 it=2 tk=-2 m7c=29", // m7-O2
            "ld=9 ru=8 ldrd=2 st=12 strd=1 mac=1 alu=22 sh=1 it=2 tk=-2 m7c=28.9", // m7-O3
        ]),
        // entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=3 ru=1 ldrd=2 ldm=1 ldmr=9 stm=1 stmr=9 alu=9 it=2 br=1", // m4-Os
            "ld=6 ru=4 ldrd=2 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=10 sh=1 it=2 br=1 tk=-1", // m4-O2
            "ld=6 ru=4 ldrd=2 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=10 sh=1 it=2 br=1 tk=-1", // m4-O3
            "ld=3 ru=3 ldrd=2 ldm=1 ldmr=9 stm=1 stmr=9 alu=9 it=2 br=1 m7c=27.8", // m7-Os
            "ld=8 ru=7 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=9 sh=1 br=2 tk=-1 m7c=23.9", // m7-O2
            "ld=8 ru=7 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=9 sh=1 br=2 tk=-1 m7c=23.4", // m7-O3
        ]),
    ])

    // arm_avgpool_s16
    // Instruction counts: decomposition approximate, largest miss 8 instructions (0.0% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 19.1% of a run.
    static let avgPoolS16 = MeasuredKernel(function: "arm_avgpool_s16", terms: [
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=16 ru=11 st=7 alu=17 it=3 br=5 tk=3", // m4-Os
            "ld=15 ru=10 ldrd=1 st=5 mac=1 alu=22 sh=2 it=3 br=3 tk=-2.4", // m4-O2
            "ld=15 ru=10 ldrd=1 st=5 mac=1 alu=22 sh=2 it=3 br=3 tk=-2.4", // m4-O3
            "ld=16 ru=12 st=7 alu=17 it=3 br=5 tk=3 m7c=49.8", // m7-Os
            "ld=15 ru=13 ldrd=1 st=5 mac=1 alu=22 sh=2 it=3 br=3 tk=-2.4 m7c=22.6", // m7-O2
            "ld=15 ru=13 ldrd=1 st=5 mac=1 alu=22 sh=2 it=3 br=3 tk=-2.4 m7c=22.6", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=15 ru=11 st=9 mac=1 alu=14 it=2 br=3 tk=2", // m4-Os
            "ld=7 ru=6 ldrd=2 st=7 strd=2 mac=1 alu=15 it=2 br=2 tk=1.6", // m4-O2
            "ld=7 ru=6 ldrd=2 st=7 strd=2 mac=1 alu=15 it=2 br=2 tk=1.6", // m4-O3
            "ld=15 ru=12 st=9 mac=1 alu=14 it=2 br=3 tk=2 m7c=35.2", // m7-Os
            "ld=10 ru=6 ldrd=1 st=8 strd=1 mac=1 alu=15 it=2 br=2 tk=1.6 m7c=31.6", // m7-O2
            "ld=10 ru=6 ldrd=1 st=8 strd=1 mac=1 alu=15 it=2 br=2 tk=1.6 m7c=31.6", // m7-O3
        ]),
        // per window row
        MeasuredTerm("row", .overhead, [
            "ld=7 ru=5 st=3 strd=1 mac=1 alu=10 sh=1 it=1 br=4 tk=2", // m4-Os
            "ld=3 ru=3 alu=8 br=4 tk=1.2", // m4-O2
            "ld=3 ru=3 alu=8 br=4 tk=1.2", // m4-O3
            "ld=7 ru=5 st=3 strd=1 mac=1 alu=10 sh=1 it=1 br=4 tk=2 m7c=30.4", // m7-Os
            "ld=3 ru=3 alu=8 br=4 tk=1.2 m7c=38.7", // m7-O2
            "ld=3 ru=3 alu=8 br=4 tk=1.2 m7c=38.7", // m7-O3
        ]),
        // per window tap
        MeasuredTerm("tap", .overhead, [
            "ld=6 ru=4 st=2 alu=7 br=3 tk=2", // m4-Os
            "ld=1 ru=1 st=1 alu=7 br=2", // m4-O2
            "ld=1 ru=1 st=1 alu=7 br=2", // m4-O3
            "ld=6 ru=4 st=2 alu=7 br=3 tk=2 m7c=19.6", // m7-Os
            "ld=1 ru=1 st=1 alu=7 br=2 m7c=8.2", // m7-O2
            "ld=1 ru=1 st=1 alu=7 br=2 m7c=8.2", // m7-O3
        ]),
        // per tap and channel
        MeasuredTerm("tap_ch", .mac, [
            "ld=4 ru=3 st=2 simd=1 alu=4 br=2 tk=1", // m4-Os
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1", // m4-O2
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1", // m4-O3
            "ld=4 ru=3 st=2 simd=1 alu=4 br=2 tk=1 m7c=13", // m7-Os
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1 m7c=6.2", // m7-O2
            "ld=2 ru=1 st=1 simd=1 alu=1 br=1 tk=1 m7c=6.2", // m7-O3
        ]),
        // per output value (division/clamp for average, clamp for max)
        MeasuredTerm("pix_ch", .requant, [
            "ld=2 ru=1 simd=-1 alu=7 it=3 br=1 tk=2 div=1", // m4-Os
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1", // m4-O2
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1", // m4-O3
            "ld=2 ru=1 simd=-1 alu=7 it=3 br=1 tk=2 div=1 m7c=15", // m7-Os
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1 m7c=13.8", // m7-O2
            "ru=1 st=1 simd=-1 alu=8 it=3 br=1 tk=1 div=1 m7c=13.8", // m7-O3
        ]),
        // entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=22 ru=15 ldrd=1 ldm=1 ldmr=9 st=16 stm=1 stmr=9 mac=2 alu=12 sh=1 br=5 tk=2", // m4-Os
            "ld=21 ru=16 ldrd=2 ldm=1 ldmr=9 st=18 strd=1 stm=1 stmr=9 mac=3 alu=25 sh=2 br=5 tk=-3", // m4-O2
            "ld=21 ru=16 ldrd=2 ldm=1 ldmr=9 st=18 strd=1 stm=1 stmr=9 mac=3 alu=25 sh=2 br=5 tk=-3", // m4-O3
            "ld=22 ru=17 ldrd=1 ldm=1 ldmr=9 st=16 stm=1 stmr=9 mac=2 alu=12 sh=1 br=5 tk=2 m7c=50.1", // m7-Os
            "ld=20 ru=15 ldrd=3 ldm=1 ldmr=9 st=18 strd=2 stm=1 stmr=9 mac=3 alu=23 sh=3 br=5 tk=-3 m7c=54.1", // m7-O2
            "ld=20 ru=15 ldrd=3 ldm=1 ldmr=9 st=18 strd=2 stm=1 stmr=9 mac=3 alu=23 sh=3 br=5 tk=-3 m7c=54.1", // m7-O3
        ]),
    ])

    // arm_max_pool_s16
    // Instruction counts: decomposition approximate, largest miss 658 instructions (9.6% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 21.0% of a run.
    static let maxPoolS16 = MeasuredKernel(function: "arm_max_pool_s16", terms: [
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=23 ru=14.7 st=10 simd=-2.4 alu=23.7 it=4.3 br=12 tk=8", // m4-Os
            "ld=12.3 ru=7.7 ldrd=1 st=6.7 strd=1 mac=1 simd=-3 alu=25 sh=-0.6 it=3.3 br=9.5 tk=2.6", // m4-O2
            "ld=19.4 ru=10.7 ldrd=-1 st=7.7 strd=-1 mac=1 simd=-3 alu=22.7 sh=-0.6 it=2.3 br=10.3 tk=5.5", // m4-O3
            "ld=23 ru=15.7 st=10 simd=-2.4 alu=23.7 it=4.3 br=12 tk=8 m7c=44.5", // m7-Os
            "ld=12.3 ru=11 ldrd=1 st=6.7 strd=1 mac=1 simd=-3 alu=23.5 sh=1 it=3.3 br=9.5 tk=2.6 m7c=21.7", // m7-O2
            "ld=17.5 ru=15.2 st=7.7 strd=-1 mac=1 simd=-3 alu=22.3 sh=1 it=3.3 br=11.5 tk=5.3 m7c=33", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=19.5 ru=14 st=10 mac=1 simd=-0.2 alu=15 it=2 br=2 tk=1", // m4-Os
            "ld=14 ru=7.2 ldrd=1.6 st=9.2 strd=0.6 mac=1 simd=-0.3 alu=19 it=3 br=0.5 tk=-1.4", // m4-O2
            "ld=12.3 ru=9.2 ldrd=2.6 st=10.2 strd=2.6 mac=1 simd=-0.3 alu=17.3 it=2 br=1 tk=-1", // m4-O3
            "ld=19.5 ru=16 st=10 mac=1 simd=-0.2 alu=15 it=2 br=2 tk=1 m7c=42.2", // m7-Os
            "ld=18 ru=14 ldrd=1.6 st=9.2 strd=0.6 mac=1 simd=-0.3 alu=19 it=2 br=0.5 tk=-1.4 m7c=34.8", // m7-O2
            "ld=11.3 ru=10.4 ldrd=2.6 st=11.2 strd=1.6 mac=1 simd=-0.3 alu=14.6 it=2 br=0.5 tk=-1.2 m7c=35.1", // m7-O3
        ]),
        // per window row
        MeasuredTerm("row", .overhead, [
            "ld=-0.5 ru=3 st=2 mac=1 simd=5 alu=14.5 sh=1 it=-1 br=2.3 tk=3", // m4-Os
            "ld=-0.5 ru=-1 ldrd=1 st=-2 strd=1 simd=6.4 alu=10.7 sh=3.2 it=-1 br=3 tk=4", // m4-O2
            "ld=-0.6 ldrd=1 st=-2 strd=1 simd=6.4 alu=9 sh=3.2 it=-1 br=2 tk=3", // m4-O3
            "ld=-0.5 ru=3 st=2 mac=1 simd=5 alu=14.5 sh=1 it=-1 br=2.3 tk=3 m7c=20.1", // m7-Os
            "ld=-0.5 ru=-3 ldrd=1 st=-2 strd=1 simd=6.4 alu=14 it=-1 br=3 tk=4 m7c=35", // m7-O2
            "ld=-0.6 ru=-2.2 ldrd=1 st=-2 strd=1 simd=6.4 alu=10 it=-1 tk=2.5 m7c=21.8", // m7-O3
        ]),
        // per window tap
        MeasuredTerm("tap", .overhead, [
            "ld=8.3 ru=5 st=0.6 simd=-2.4 alu=0.6 it=0.2 br=3.2 tk=0.3", // m4-Os
            "ld=4.2 ru=3 ldrd=0.2 st=1 strd=0.2 simd=-3 alu=6 sh=-1.6 it=0.2 br=3 tk=0.4", // m4-O2
            "ld=3 ru=2 ldrd=0.2 st=1 strd=0.2 simd=-3 alu=5.5 sh=-1.6 it=2.2 br=2.4 tk=-0.4", // m4-O3
            "ld=8.3 ru=5 st=0.6 simd=-2.4 alu=0.6 it=0.2 br=3.2 tk=0.3 m7c=20.2", // m7-Os
            "ld=4.2 ru=5 ldrd=0.2 st=1 strd=0.2 simd=-3 alu=4.4 it=0.2 br=3 tk=0.4 m7c=11.4", // m7-O2
            "ld=3 ru=3.8 ldrd=0.2 st=1 strd=0.2 simd=-3 alu=3.6 it=0.2 br=3 m7c=10.6", // m7-O3
        ]),
        // per tap and channel
        MeasuredTerm("tap_ch", .mac, [
            "ld=2.4 ru=1.5 st=1.5 simd=1.5 alu=4 it=1 br=1 tk=1", // m4-Os
            "ld=1 ru=0.5 st=0.5 simd=2 alu=2.6 sh=1 it=1 br=0.5 tk=0.5", // m4-O2
            "ld=1 ru=0.5 st=0.5 simd=2 alu=2.6 sh=1 it=1 br=0.5 tk=0.5", // m4-O3
            "ld=2.4 ru=1.5 st=1.5 simd=1.5 alu=4 it=1 br=1 tk=1 m7c=7.6", // m7-Os
            "ld=1 ru=0.5 st=0.5 simd=2 alu=3.6 it=1 br=0.5 tk=0.5 m7c=5.4", // m7-O2
            "ld=1 ru=0.4 st=0.5 simd=2 alu=3.6 it=1 br=0.5 tk=0.5 m7c=5.4", // m7-O3
        ]),
        // per output value (division/clamp for average, clamp for max)
        MeasuredTerm("pix_ch", .requant, [
            "ld=0.2 ru=0.6 st=-0.5 alu=1.4 it=1", // m4-Os
            "ru=0.6 st=0.6 simd=-0.7 alu=2.5 sh=-1 it=1", // m4-O2
            "ru=0.6 st=0.6 simd=-0.7 alu=2.4 sh=-1 it=1", // m4-O3
            "ld=0.2 ru=1 st=-0.5 alu=1.4 it=1 m7c=2.2", // m7-Os
            "ru=0.6 st=0.6 simd=-0.7 alu=1.4 it=1 m7c=1.9", // m7-O2
            "ld=0.6 ru=1 st=0.6 simd=-0.7 alu=2 it=1 m7c=3.4", // m7-O3
        ]),
        // entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=39 ru=23.8 ldrd=1 ldm=1 ldmr=9 st=27 stm=1 stmr=9 mac=5 simd=-4.5 alu=15 sh=3 it=1 br=8.6 tk=0.7", // m4-Os
            "ld=32.4 ru=18.7 ldrd=3.3 ldm=1 ldmr=9 st=29.7 strd=1.3 stm=1 stmr=9 mac=6 simd=-6 alu=27 it=1 br=8 tk=-3.3", // m4-O2
            "ld=30 ru=19.7 ldrd=3.3 ldm=1 ldmr=9 st=26.7 strd=1.3 stm=1 stmr=9 mac=6 simd=-6 alu=38.8 sh=1 it=1 br=7.2 tk=-5.7", // m4-O3
            "ld=39 ru=24.7 ldrd=1 ldm=1 ldmr=9 st=27 stm=1 stmr=9 mac=5 simd=-4.5 alu=15 sh=3 it=1 br=8.6 tk=0.7 m7c=141.4", // m7-Os
            "ld=31.4 ru=25 ldrd=2.3 ldm=1 ldmr=9 st=29.7 strd=1.3 stm=1 stmr=9 mac=6 simd=-6 alu=22.3 sh=2 it=1 br=8 tk=-3.3 m7c=112.3", // m7-O2
            "ld=30 ru=28.5 ldrd=4.3 ldm=1 ldmr=9 st=25.7 strd=3.3 stm=1 stmr=9 mac=6 simd=-6 alu=34.6 sh=6 it=1 br=7 tk=-4 m7c=108.1", // m7-O3
        ]),
    ])

    // arm_elementwise_add_s16
    // Instruction counts: decomposition approximate, largest miss 34 instructions (1.0% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 6.4% of a run.
    static let elementwiseAddS16 = MeasuredKernel(function: "arm_elementwise_add_s16", terms: [
        // arm_elementwise_add_s16: entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=10 ru=8 ldrd=1 ldm=1 ldmr=9 st=19 strd=1 stm=1 stmr=9 alu=29 sh=6 it=3 br=2 tk=1", // m4-Os
            "ld=3.4 ru=2 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=5.5 sh=1 br=1.6 tk=1.2", // m4-O2
            "ld=3.6 ru=3.3 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=6 sh=1 br=1.4", // m4-O3
            "ld=10 ru=9 ldrd=1 ldm=1 ldmr=9 st=19 strd=1 stm=1 stmr=9 alu=28 sh=7 it=3 br=2 tk=1 m7c=52", // m7-Os
            "ld=3 ru=2.5 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=9.4 sh=1 it=1 br=2 tk=2 m7c=19.1", // m7-O2
            "ld=3.5 ru=3 ldrd=1 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=8 sh=1 it=1 br=2 tk=3.3 m7c=9.5", // m7-O3
        ]),
        // 2 elements: rescale both inputs, add, requantize, clamp
        MeasuredTerm("pair", .mac, [
            "ld=45 ru=35 st=6 mac=6 simd=4 alu=75 sh=10 it=18 br=2 tk=2", // m4-Os
            "ld=39 ru=30.5 ldrd=1 st=5 mac=6 simd=4 alu=70.5 sh=7 it=11 br=13 tk=9.5", // m4-O2
            "ld=39 ru=29.4 ldrd=1 st=5 mac=6 simd=4 alu=70.5 sh=7 it=11 br=13 tk=9.6", // m4-O3
            "ld=45 ru=42 st=6 mac=6 simd=4 alu=77 sh=8 it=19 br=2 tk=2 m7c=112", // m7-Os
            "ld=39 ru=38.5 ldrd=1 st=6 mac=6 simd=4 alu=70 sh=7 it=10 br=14.5 tk=10.5 m7c=123.8", // m7-O2
            "ld=39 ru=37.5 ldrd=1 st=6 mac=6 simd=4 alu=70 sh=7 it=10 br=14.5 tk=10.5 m7c=120.7", // m7-O3
        ]),
        // loop entry correction
        MeasuredTerm("pair_entry", .overhead, [
            "-", // m4-Os
            "ld=13 ru=7 ldrd=1 st=15 strd=3 alu=21.5 sh=5 it=1 br=1 tk=1.5", // m4-O2
            "ld=11.5 ru=6.7 ldrd=1 st=15 strd=3 alu=21.6 sh=5 it=1 br=0.5 tk=-0.2", // m4-O3
            "m7c=8", // m7-Os
            "ld=12.3 ru=9.4 ldrd=1 st=19 strd=3 alu=22.7 sh=4 it=1 br=1.7 tk=2.3 m7c=60.8", // m7-O2
            "ld=12 ru=8.5 ldrd=1 st=19 strd=3 alu=22 sh=4 it=1 br=1 tk=1 m7c=68.1", // m7-O3
        ]),
        // odd last element
        MeasuredTerm("odd", .mac, [
            "ld=12 ru=7 st=1 mac=3 alu=54 sh=9 it=11 tk=-1", // m4-Os
            "ld=10.6 ru=9 st=1 mac=3 alu=49.5 sh=9 it=8 br=3.4 tk=-0.2", // m4-O2
            "ld=10.4 ru=7.7 st=1 mac=3 alu=49 sh=9 it=8 br=3.6 tk=1", // m4-O3
            "ld=12 ru=11 st=1 mac=3 alu=54 sh=9 it=11 tk=-1 m7c=57", // m7-Os
            "ld=11 ru=10.5 st=1 mac=3 alu=48.6 sh=9 it=8 br=3 tk=-1 m7c=54.9", // m7-O2
            "ld=10.5 ru=10 st=1 mac=3 alu=50 sh=9 it=8 br=3 tk=-2.3 m7c=64.5", // m7-O3
        ]),
    ])

    // arm_softmax_s16
    // Instruction counts: decomposition approximate, largest miss 7 instructions (0.7% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 17.6% of a run.
    static let softmaxS16 = MeasuredKernel(function: "arm_softmax_s16", terms: [
        // arm_softmax_s16: entry/exit
        MeasuredTerm("call", .overhead, [
            "ld=5 ru=4 ldrd=1 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 alu=16 sh=2 it=1 br=3", // m4-Os
            "ld=5 ru=5 ldrd=1 ldm=1 ldmr=9 st=9 stm=1 stmr=9 alu=21 sh=2 br=3 tk=-1", // m4-O2
            "ld=5 ru=5 ldrd=1 ldm=1 ldmr=9 st=10 stm=1 stmr=9 alu=25 sh=1 br=3 tk=-1", // m4-O3
            "ld=5 ru=4 ldrd=1 ldm=1 ldmr=9 st=6 strd=1 stm=1 stmr=9 alu=16 sh=2 it=1 br=3 m7c=39", // m7-Os
            "ld=5 ru=5 ldrd=1 ldm=1 ldmr=9 st=9 stm=1 stmr=9 alu=20 sh=3 br=3 tk=-1 m7c=24.8", // m7-O2
            "ld=5 ru=5 ldrd=1 ldm=1 ldmr=9 st=10 stm=1 stmr=9 alu=25 sh=2 br=3 tk=-1 m7c=21.5", // m7-O3
        ]),
        // per row
        MeasuredTerm("row", .requant, [
            "ld=8 ru=6 st=2 mac=1 simd=6 alu=18 sh=2 it=-1 br=3", // m4-Os
            "ld=13 ru=8 ldrd=1 st=4 strd=1 mac=1 simd=7 alu=21 sh=2 it=-1 br=3 tk=-2.4", // m4-O2
            "ld=10 ru=5 ldrd=2 st=1 strd=2 mac=1 simd=7 alu=24 sh=2 it=-1 br=4 tk=-2.4", // m4-O3
            "ld=8 ru=6 st=2 mac=1 simd=6 alu=18 sh=2 it=-1 br=3 m7c=51.5", // m7-Os
            "ld=13 ru=8 ldrd=1 st=4 strd=1 mac=1 simd=7 alu=21 sh=2 it=-1 br=3 tk=-2.4 m7c=62.5", // m7-O2
            "ld=12 ru=8 ldrd=1 st=3 strd=1 mac=1 simd=7 alu=24 sh=2 it=-1 br=4 tk=-2.4 m7c=60.6", // m7-O3
        ]),
        // per element (LUT exp and reciprocal)
        MeasuredTerm("elem", .mac, [
            "ld=12 ru=11 st=2 mac=3 simd=3 alu=31 sh=3 it=5 br=6 tk=6", // m4-Os
            "ld=8 ru=5 st=2 mac=3 simd=3 alu=24 sh=3 it=3 br=4 tk=4", // m4-O2
            "ld=6 ru=5 st=2 mac=3 simd=3 alu=22 sh=3 it=3 br=3 tk=3", // m4-O3
            "ld=12 ru=12 st=2 mac=3 simd=3 alu=31 sh=3 it=5 br=6 tk=6 m7c=50", // m7-Os
            "ld=8 ru=6 st=2 mac=3 simd=3 alu=22 sh=5 it=3 br=4 tk=4 m7c=44.1", // m7-O2
            "ld=6 ru=5 st=2 mac=3 simd=3 alu=21 sh=4 it=3 br=3 tk=3 m7c=40.1", // m7-O3
        ]),
    ])

    // TFLM reference ConvPerChannel (int8)
    // Instruction counts: decomposition approximate, largest miss 106 instructions (4.5% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 16.2% of a run.
    static let referenceConv = MeasuredKernel(function: "TFLM reference ConvPerChannel (int8)", terms: [
        // tflite::reference_integer_ops::ConvPerChannel (TFLM reference): entry, RuntimeShape reads
        MeasuredTerm("call", .overhead, [
            "ld=32 ru=29 ldrd=3 ldm=5 ldmr=17 st=38 strd=5 stm=5 stmr=17 simd=2 alu=84.4 sh=2 it=2 br=38.7 tk=30.7 div=4", // m4-Os
            "ld=7 ru=3 ldrd=1 ldm=1 ldmr=9 st=12 strd=1 stm=1 stmr=9 mac=9 simd=2 alu=15 sh=2 br=-2 tk=0.2 div=2", // m4-O2
            "ld=7 ru=5 ldrd=1 ldm=1 ldmr=9 st=13 strd=1 stm=1 stmr=9 mac=8 simd=2 alu=16.6 sh=2 div=2", // m4-O3
            "ld=32 ru=31 ldrd=3 ldm=5 ldmr=17 st=38 strd=5 stm=5 stmr=17 simd=2 alu=85.3 sh=2 it=2 br=39 tk=31 div=4 m7c=205.5", // m7-Os
            "ld=5 ru=4.5 ldrd=2 ldm=1 ldmr=9 st=12 strd=1 stm=1 stmr=9 mac=9 simd=2 alu=19.3 sh=2 br=-0.7 tk=2.2 div=2 m7c=11.8", // m7-O2
            "ld=10.3 ru=9.3 ldrd=1 ldm=1 ldmr=9 st=14 strd=1 stm=1 stmr=9 mac=8 simd=2 alu=25 sh=2 br=4.7 tk=1 div=2 m7c=40.7", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=5 ru=3 st=3 alu=4.3 br=2 tk=2.2", // m4-Os
            "ld=5 ru=4 ldrd=2 st=7 strd=1 alu=16 br=1 tk=2", // m4-O2
            "ld=6 ru=5 ldrd=1 st=5 strd=1 mac=1 alu=13.2 tk=2", // m4-O3
            "ld=5 ru=4 st=3 alu=3.7 br=1.8 tk=2 m7c=25.3", // m7-Os
            "ld=3 ru=3 ldrd=3 st=7 strd=1 alu=12.7 tk=0.5 m7c=31.6", // m7-O2
            "ld=3.4 ru=1.4 ldrd=2 st=4 strd=2 mac=1 alu=7.7 br=-2 tk=1.5 m7c=19.9", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=6.5 ru=4.5 st=2 alu=5.6 br=3.5 tk=2", // m4-Os
            "ld=11.5 ru=5.5 st=6 strd=1 alu=16.7 br=3.6", // m4-O2
            "ld=10.5 ru=6.5 st=7 strd=1 alu=14.6 br=2.5", // m4-O3
            "ld=6.5 ru=4.5 st=2 alu=6 br=3.6 tk=2 m7c=20.1", // m7-Os
            "ld=11.5 ru=9.4 st=6 strd=1 alu=17.2 br=3.7 tk=0.2 m7c=26.4", // m7-O2
            "ld=9.5 ru=8.5 st=5 strd=1 alu=11.7 br=2.5 m7c=22.4", // m7-O3
        ]),
        // per output: bias, MultiplyByQuantizedMultiplier (out-of-line, 64-bit), offset, clamp, store
        MeasuredTerm("out", .requant, [
            "ld=18.8 ru=12.8 ldm=1 ldmr=2 st=4 stm=1 stmr=2 mac=5 simd=1 alu=30.7 sh=3 it=2 br=9.4 tk=7.3 div=1", // m4-Os
            "ld=13.5 ru=9.5 ldm=1 ldmr=2 st=5 stm=1 stmr=2 mac=2 simd=1 alu=32.5 sh=3 it=3 br=7.8 tk=4.6 div=1", // m4-O2
            "ld=13.5 ru=9.5 ldm=1 ldmr=2 st=5 stm=1 stmr=2 mac=2 simd=1 alu=35.5 sh=3 it=3 br=8 tk=4.6 div=1", // m4-O3
            "ld=18.6 ru=13.6 ldm=1 ldmr=2 st=4 stm=1 stmr=2 mac=5 simd=1 alu=30 sh=3 it=2 br=9 tk=7 div=1 m7c=67.7", // m7-Os
            "ld=14 ru=10.4 ldm=1 ldmr=5 st=5 stm=1 stmr=5 mac=2 alu=38 sh=4 it=5 br=9 tk=5.4 div=1 m7c=45.2", // m7-O2
            "ld=14 ru=11 ldm=1 ldmr=5 st=4 stm=1 stmr=5 mac=2 alu=39.4 sh=4 it=5 br=9 tk=5.6 div=1 m7c=46.6", // m7-O3
        ]),
        // per output and filter row
        MeasuredTerm("krow", .overhead, [
            "ld=4.6 ru=3.6 st=1 alu=4 br=2.4 tk=1.6", // m4-Os
            "ld=7 ru=6 strd=1 alu=11.6 br=2 tk=0.4", // m4-O2
            "ld=5 ru=5 ldrd=1 strd=1 alu=7.2 br=2 tk=0.3", // m4-O3
            "ld=5 ru=4 st=1 alu=4.7 br=2.8 tk=2 m7c=19.2", // m7-Os
            "ld=7 ru=6.4 strd=1 alu=10.3 br=2.3 tk=0.4 m7c=36.2", // m7-O2
            "ld=6 ru=6 ldrd=1 st=2 strd=1 alu=11 it=2 br=2 m7c=37.6", // m7-O3
        ]),
        // per output and filter tap: is_point_inside_image test
        MeasuredTerm("tap", .overhead, [
            "ld=1.7 ru=1.7 alu=5 br=3.7 tk=3", // m4-Os
            "ld=1.6 ru=1.6 alu=5.3 br=2.5 tk=1.7", // m4-O2
            "ld=1.6 ru=1.6 alu=5.5 br=2.6 tk=1.8", // m4-O3
            "ld=1.6 ru=1.6 alu=4.7 br=3.7 tk=3 m7c=11.6", // m7-Os
            "ld=1.6 ru=1.3 alu=5.7 br=2.3 tk=1.6 m7c=10.5", // m7-O2
            "ld=2 ru=2 alu=6.4 br=3 tk=1.4 m7c=13.8", // m7-O3
        ]),
        // per output and tap inside the input: input channel loop set-up
        MeasuredTerm("vtap", .overhead, [
            "ld=2.4 ru=2.4 alu=3.5 br=3.5", // m4-Os
            "ld=1.5 ru=1.5 ldrd=1 strd=1 alu=4.5 br=3.5 tk=0.2", // m4-O2
            "ld=2.4 ru=2.4 ldrd=1 strd=1 alu=4.5 br=3.5", // m4-O3
            "ld=2.4 ru=2.4 alu=3.4 br=3.4 m7c=10.8", // m7-Os
            "ld=1.4 ru=2 ldrd=1 strd=1 alu=4.5 br=3 tk=-0.4 m7c=7.9", // m7-O2
            "ld=2 ru=2 st=1 alu=4 br=2.3 m7c=6.2", // m7-O3
        ]),
        // per MAC: Offset() index arithmetic for input and filter, 2 loads, add input offset, multiply-accumulate
        MeasuredTerm("mac", .mac, [
            "ld=16 ru=10 ldm=2 ldmr=4 st=3 stm=2 stmr=4 mac=7 alu=11 br=3 tk=5", // m4-Os
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1", // m4-O2
            "ld=2 ru=2 mac=1 alu=2 br=1 tk=1", // m4-O3
            "ld=16 ru=11 ldm=2 ldmr=4 st=3 stm=2 stmr=4 mac=7 alu=11 br=3 tk=5 m7c=41", // m7-Os
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1 m7c=5.3", // m7-O2
            "ld=2 ru=1 mac=1 alu=2 br=1 tk=1 m7c=5.3", // m7-O3
        ]),
    ])

    // TFLM reference DepthwiseConvPerChannel (int8)
    // Instruction counts: decomposition approximate, largest miss 420 instructions (8.0% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 14.8% of a run.
    static let referenceDepthwise = MeasuredKernel(function: "TFLM reference DepthwiseConvPerChannel (int8)", terms: [
        // tflite::reference_integer_ops::DepthwiseConvPerChannel: entry
        MeasuredTerm("call", .overhead, [
            "ld=30 ru=27 ldrd=2 ldm=5 ldmr=17 st=33 strd=6 stm=5 stmr=17 simd=2 alu=88.5 sh=2 it=1 br=45 tk=30.4 div=2", // m4-Os
            "ld=6 ru=2 ldm=1 ldmr=9 st=11 strd=1 stm=1 stmr=9 mac=7 simd=2 alu=11 sh=2 br=-2.3 tk=-0.7 div=2", // m4-O2
            "ld=-1 ru=-2 ldm=1 ldmr=9 st=10 strd=1 stm=1 stmr=9 mac=6 simd=2 alu=-1 sh=2 br=-9.6 tk=-4.3 div=2", // m4-O3
            "ld=30 ru=29 ldrd=2 ldm=5 ldmr=17 st=33 strd=6 stm=5 stmr=17 simd=2 alu=88.3 sh=2 it=1 br=45 tk=30.2 div=2 m7c=197.6", // m7-Os
            "ld=7.4 ru=5.4 ldm=1 ldmr=9 st=11 strd=1 stm=1 stmr=9 mac=7 simd=2 alu=12.7 sh=2 br=-0.5 tk=2.2 div=2 m7c=17.8", // m7-O2
            "ld=-2.7 ru=-2.7 ldm=1 ldmr=9 st=10 strd=1 stm=1 stmr=9 mac=6 simd=2 alu=-0.7 sh=2 br=-10.3 tk=-3.2 div=2 m7c=-17.9", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=2.2 ru=0.2 st=3 alu=-1 br=-4 tk=3", // m4-Os
            "ld=2.6 ru=1.6 ldrd=2 st=2 strd=2 alu=18.6 br=-0.4 tk=1", // m4-O2
            "ld=11.2 ru=8.8 ldrd=2 st=4.5 strd=2 mac=1 alu=30 br=9.3 tk=4.5", // m4-O3
            "ld=2 ru=1 st=3 alu=-1.6 br=-4.3 tk=2.6 m7c=22.5", // m7-Os
            "ld=3.6 ru=3.6 ldrd=2 st=4 strd=2 alu=14.5 br=-0.8 tk=0.3 m7c=29.9", // m7-O2
            "ld=12 ru=10.4 ldrd=2 st=4.5 strd=2 mac=1 alu=28 br=8.4 tk=3 m7c=63.2", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=4.7 ru=3.7 ldrd=1 st=2 alu=6 br=4 tk=2", // m4-Os
            "ld=7.6 ru=6.6 st=5 strd=1 alu=19.6 br=3.6", // m4-O2
            "ld=8.6 ru=6.7 ldrd=1 st=6 strd=1 alu=11 br=1.5 tk=-0.2", // m4-O3
            "ld=4.7 ru=3.7 ldrd=1 st=2 alu=6 br=4 tk=2 m7c=20.4", // m7-Os
            "ld=7.6 ru=6.6 st=5 strd=1 alu=17.5 br=3.6 m7c=25.2", // m7-O2
            "ld=8.6 ru=8.7 ldrd=1 st=6 strd=1 alu=11.8 br=2 tk=0.3 m7c=23.4", // m7-O3
        ]),
        // per output: bias, MultiplyByQuantizedMultiplier, clamp, store
        MeasuredTerm("out", .requant, [
            "ld=15.5 ru=12.5 ldm=1 ldmr=2 st=2 stm=1 stmr=2 mac=4 simd=1 alu=31 sh=3 it=2 br=10 tk=8", // m4-Os
            "ld=12.4 ru=9.4 ldm=1 ldmr=2 st=5 stm=1 stmr=2 mac=1 simd=1 alu=32.3 sh=3 it=3 br=7.7 tk=4.7", // m4-O2
            "ld=10.4 ru=8 ldm=1 ldmr=2 st=3.4 stm=1 stmr=2 mac=1 simd=1 alu=33.2 sh=3 it=3 br=8.5 tk=4.6", // m4-O3
            "ld=15.4 ru=12.4 ldm=1 ldmr=2 st=2 stm=1 stmr=2 mac=4 simd=1 alu=30.7 sh=3 it=2 br=10 tk=8 m7c=62.8", // m7-Os
            "ld=12 ru=10 ldm=1 ldmr=5 st=4 stm=1 stmr=5 mac=1 alu=37.5 sh=4 it=5 br=8.5 tk=5 m7c=17.4", // m7-O2
            "ld=11 ru=9.6 ldm=1 ldmr=5 st=3.4 stm=1 stmr=5 mac=1 alu=37.3 sh=4 it=5 br=9 tk=4.4 m7c=18.3", // m7-O3
        ]),
        // per output and filter row
        MeasuredTerm("krow", .overhead, [
            "ld=3 ru=3 alu=5 br=3 tk=2", // m4-Os
            "ld=5 ru=5 st=1 alu=9.7 br=2.3 tk=0.3", // m4-O2
            "ld=5.6 ru=5 st=0.5 alu=6 br=3 tk=0.6", // m4-O3
            "ld=3 ru=3 alu=5.4 br=3.3 tk=2 m7c=19.7", // m7-Os
            "ld=4 ru=4 ldrd=1 st=2 alu=10 br=2 m7c=63.3", // m7-O2
            "ld=5.4 ru=5 st=0.5 alu=6.4 br=3.3 tk=0.7 m7c=57.7", // m7-O3
        ]),
        // per output and filter tap: inside-image test
        MeasuredTerm("tap", .overhead, [
            "ld=2 ru=2 alu=5.4 br=3.3 tk=2", // m4-Os
            "ld=1.6 ru=1.6 alu=4.5 br=2.6 tk=2", // m4-O2
            "ld=0.5 ru=0.6 alu=2 br=1 tk=1", // m4-O3
            "ld=2 ru=2 alu=5.2 br=3.3 tk=2 m7c=13.4", // m7-Os
            "ld=1.6 ru=1.6 alu=5.7 br=2.7 tk=2 m7c=3.1", // m7-O2
            "ld=0.5 ru=0.6 alu=2 br=1 tk=1 m7c=-1.7", // m7-O3
        ]),
        // per MAC (tap inside the input): Offset() arithmetic, 2 loads, offset add, MLA
        MeasuredTerm("mac", .mac, [
            "ld=14 ru=8 ldm=2 ldmr=4 st=3 stm=2 stmr=4 mac=7 alu=10.7 br=3.7 tk=3", // m4-Os
            "ld=3.4 ru=3.4 mac=1 alu=2.4 br=1.4 tk=-1", // m4-O2
            "ld=4 ru=2.6 st=0.2 mac=1 alu=4.5 br=2 tk=-0.3", // m4-O3
            "ld=14 ru=9 ldm=2 ldmr=4 st=3 stm=2 stmr=4 mac=7 alu=10.7 br=3.7 tk=3 m7c=33.5", // m7-Os
            "ld=3.4 ru=2.4 mac=1 alu=2.3 br=1.4 tk=-1 m7c=3.6", // m7-O2
            "ld=4 ru=2.7 st=0.2 mac=1 alu=4.4 br=2 tk=-0.3 m7c=7.3", // m7-O3
        ]),
    ])

    // TFLM reference FullyConnected (int8)
    // Instruction counts: decomposition approximate, largest miss 48 instructions (4.1% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 14.0% of a run.
    static let referenceFullyConnected = MeasuredKernel(function: "TFLM reference FullyConnected (int8)", terms: [
        // tflite::reference_integer_ops::FullyConnected: entry
        MeasuredTerm("call", .overhead, [
            "ld=15.3 ru=14.3 ldm=6 ldmr=20 st=14 strd=3 stm=6 stmr=20 mac=2 alu=98 sh=2 it=2 br=46.6 tk=38.6", // m4-Os
            "ld=1.4 ru=1.4 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=7.4 br=-0.3 tk=-2.3", // m4-O2
            "ld=2 ru=2 ldm=1 ldmr=9 st=4 stm=1 stmr=9 alu=9.6 br=2.3 tk=-0.7", // m4-O3
            "ld=15.5 ru=14.5 ldm=6 ldmr=20 st=14 strd=3 stm=6 stmr=20 mac=2 alu=99 sh=2 it=2 br=47 tk=39 m7c=174.8", // m7-Os
            "ld=2 ru=2 ldm=1 ldmr=9 st=1 stm=1 stmr=9 alu=10 br=1 tk=-1 m7c=7.6", // m7-O2
            "ld=2 ru=2 ldm=1 ldmr=9 st=4 stm=1 stmr=9 alu=9.8 br=2.3 tk=-0.5 m7c=14.7", // m7-O3
        ]),
        // per batch row
        MeasuredTerm("batch", .overhead, [
            "ld=1.7 ru=1.7 alu=6.8 br=3.4 tk=2.4", // m4-Os
            "ld=5.5 ru=3.5 ldrd=1 st=3 strd=1 alu=17 it=1 br=3 tk=1", // m4-O2
            "ld=7.7 ru=2.7 st=3 alu=6 br=0.4 tk=-0.6", // m4-O3
            "ld=2 ru=2 alu=7.3 br=3.7 tk=2.7 m7c=15", // m7-Os
            "ld=5 ru=5 ldrd=1 st=3 strd=1 alu=14 br=2 m7c=24.5", // m7-O2
            "ld=8 ru=5 st=3 alu=6.3 br=0.8 tk=-0.5 m7c=17.3", // m7-O3
        ]),
        // per output: bias, MultiplyByQuantizedMultiplier, clamp, store
        MeasuredTerm("out", .requant, [
            "ld=5.5 ru=5.5 st=1 mac=1 alu=35 sh=3 it=4 br=9 tk=5", // m4-Os
            "ld=2.5 ru=2.5 ldm=1 ldmr=2 st=1 stm=1 stmr=2 mac=1 simd=1 alu=33 sh=3 it=4 br=8 tk=5", // m4-O2
            "ld=2.5 ru=2.5 ldm=1 ldmr=2 st=1 stm=1 stmr=2 mac=1 simd=1 alu=33 sh=3 it=4 br=8 tk=5", // m4-O3
            "ld=5.5 ru=5.5 st=1 mac=1 alu=35 sh=3 it=4 br=9 tk=5 m7c=49.7", // m7-Os
            "ld=3 ru=3 ldm=1 ldmr=5 st=1 stm=1 stmr=5 mac=1 alu=36.5 sh=4 it=5 br=8.5 tk=5 m7c=47.1", // m7-O2
            "ld=3 ru=3 ldm=1 ldmr=5 st=1 stm=1 stmr=5 mac=1 alu=36.5 sh=4 it=5 br=8.5 tk=5 m7c=47.9", // m7-O3
        ]),
        // per MAC: 2 loads, offset add, MLA, loop
        MeasuredTerm("mac", .mac, [
            "ld=2 ru=1 mac=1 alu=3 br=1 tk=1", // m4-Os
            "ld=3 ru=2 mac=1 alu=2 br=1 tk=1", // m4-O2
            "ld=3 ru=2 mac=1 alu=2 br=1 tk=1", // m4-O3
            "ld=2 ru=2 mac=1 alu=3 br=1 tk=1 m7c=5", // m7-Os
            "ld=3 ru=2 mac=1 alu=2 br=1 tk=1 m7c=6", // m7-O2
            "ld=3 ru=2 mac=1 alu=2 br=1 tk=1 m7c=6", // m7-O3
        ]),
    ])

    // TFLM reference AveragePool (int8)
    // Instruction counts: decomposition approximate, largest miss 205 instructions (3.8% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 16.8% of a run.
    static let referenceAvgPool = MeasuredKernel(function: "TFLM reference AveragePool (int8)", terms: [
        // tflite::reference_integer_ops pooling: entry
        MeasuredTerm("call", .overhead, [
            "ld=27 ru=21 ldrd=1 ldm=3 ldmr=13 st=28 strd=6 stm=3 stmr=13 simd=1 alu=56 sh=2 it=2 br=24 tk=18 div=2", // m4-Os
            "ld=7 ru=3 ldm=1 ldmr=9 st=9 stm=1 stmr=9 mac=2 simd=1 alu=15 sh=2.6 br=1.6 tk=2 div=2", // m4-O2
            "ld=7 ru=2 ldm=1 ldmr=9 st=7 stm=1 stmr=9 mac=2 simd=1 alu=17 sh=2 br=0.8 tk=0.7 div=2", // m4-O3
            "ld=27 ru=25 ldrd=1 ldm=3 ldmr=13 st=28 strd=6 stm=3 stmr=13 simd=1 alu=56 sh=2 it=2 br=24 tk=18 div=2 m7c=136", // m7-Os
            "ld=5 ru=3 ldrd=1 ldm=1 ldmr=9 st=9 stm=1 stmr=9 mac=2 simd=1 alu=14.6 sh=2 br=1 tk=0.7 div=2 m7c=123.3", // m7-O2
            "ld=5 ru=3.3 ldrd=1 ldm=1 ldmr=9 st=8 stm=1 stmr=9 mac=2 simd=1 alu=12.4 sh=2 it=-0.7 br=1.3 tk=0.6 div=2 m7c=130.7", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=12 ru=9 st=7 alu=10 sh=1 it=1 br=3 tk=2", // m4-Os
            "ld=8 ru=6 ldrd=1 st=7 strd=1 mac=1 alu=19 sh=1 it=1 br=2 tk=1", // m4-O2
            "ld=8 ru=4 ldrd=1 st=6 strd=2 mac=1 alu=18 sh=1 it=1 br=2 tk=1", // m4-O3
            "ld=12 ru=10 st=7 alu=10 sh=1 it=1 br=3 tk=2 m7c=30", // m7-Os
            "ld=8 ru=7 ldrd=1 st=7 strd=1 mac=1 alu=18 sh=1 it=0.7 br=1.7 tk=0.3 m7c=-19.8", // m7-O2
            "ld=7 ru=5 ldrd=1 st=3 strd=3 mac=1 alu=15 sh=1 it=1 br=2 tk=0.7 m7c=-22.6", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=7 ru=5 st=4 alu=9 sh=1 it=1 br=3 tk=1", // m4-Os
            "ld=7 ru=4 ldrd=1 st=5 strd=1 mac=1 alu=16 sh=1 it=1 br=3 tk=-0.3", // m4-O2
            "ld=6 ru=5 ldrd=1 st=4 strd=1 mac=1 alu=20 sh=1 it=1 br=3.5 tk=0.6", // m4-O3
            "ld=7 ru=6 st=4 alu=9 sh=1 it=1 br=3 tk=1 m7c=24", // m7-Os
            "ld=7 ru=6 ldrd=1 st=5 strd=1 mac=1 alu=16 sh=1 it=1 br=3 m7c=34.1", // m7-O2
            "ld=8 ru=7.5 st=4 strd=1 mac=1 alu=20 sh=1 it=1 br=3.5 tk=0.5 m7c=35.3", // m7-O3
        ]),
        // per output value: window limits, division (average) or clamp, store
        MeasuredTerm("out", .requant, [
            "ld=9 ru=7 ldrd=1 ldm=1 ldmr=2 st=3 stm=1 stmr=2 mac=3 alu=13 sh=3 it=4 br=5 tk=4 div=2", // m4-Os
            "ld=2 ru=2 ldrd=1 st=2 alu=12 sh=1.6 it=2 br=4.6 tk=1.2 div=1", // m4-O2
            "ld=2 ru=2 ldrd=1 st=2 alu=13.5 sh=1.5 it=1 br=4 tk=0.5 div=1", // m4-O3
            "ld=9 ru=8 ldrd=1 ldm=1 ldmr=2 st=3 stm=1 stmr=2 mac=3 alu=13 sh=3 it=4 br=5 tk=4 div=2 m7c=52", // m7-Os
            "ld=2 ru=2 ldrd=1 st=2 alu=13.3 sh=1 it=2.4 br=4.4 tk=1 div=1 m7c=15.1", // m7-O2
            "ld=4 ru=3 st=2 alu=16.6 sh=1 it=1.7 br=4 tk=0.8 div=1 m7c=16.3", // m7-O3
        ]),
        // per output value and window row
        MeasuredTerm("row", .overhead, [
            "ld=6 ru=4 alu=8 it=1 br=3 tk=2", // m4-Os
            "ld=5 ru=4 st=1 alu=7 br=2", // m4-O2
            "ld=5 ru=4 st=1 alu=7 br=2", // m4-O3
            "ld=6 ru=5 alu=8 it=1 br=3 tk=2 m7c=22", // m7-Os
            "ld=5 ru=4 st=1 alu=7 br=2 m7c=26", // m7-O2
            "ld=5 ru=4 st=1 alu=6 br=2 tk=-0.2 m7c=25.3", // m7-O3
        ]),
        // per output value and window tap: Offset() arithmetic, load, add or max
        MeasuredTerm("tap", .mac, [
            "ld=8 ru=7 ldrd=1 ldm=1 ldmr=2 st=1 strd=1 stm=1 stmr=2 mac=3 alu=5 br=2 tk=3", // m4-Os
            "ld=2 ru=2 alu=4 br=1 tk=1", // m4-O2
            "ld=2 ru=2 alu=4 br=1 tk=1", // m4-O3
            "ld=8 ru=6 ldrd=1 ldm=1 ldmr=2 st=1 strd=1 stm=1 stmr=2 mac=3 alu=5 br=2 tk=3 m7c=24", // m7-Os
            "ld=2 ru=2 alu=4 br=1 tk=1 m7c=6.3", // m7-O2
            "ld=2 ru=2 alu=4.2 br=1 tk=1 m7c=6.4", // m7-O3
        ]),
    ])

    // TFLM reference MaxPool (int8)
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 17.3% of a run.
    static let referenceMaxPool = MeasuredKernel(function: "TFLM reference MaxPool (int8)", terms: [
        // tflite::reference_integer_ops pooling: entry
        MeasuredTerm("call", .overhead, [
            "ld=31 ru=25 ldrd=1 ldm=4 ldmr=22 st=29 strd=6 stm=4 stmr=22 simd=1 alu=63 sh=2 it=2 br=25 tk=21 div=2", // m4-Os
            "ld=7 ru=3 ldm=1 ldmr=9 st=9 stm=1 stmr=9 mac=2 simd=1 alu=14 sh=2 br=1 div=2", // m4-O2
            "ld=7 ru=2 ldm=1 ldmr=9 st=7 stm=1 stmr=9 mac=1 simd=1 alu=17 sh=2 br=3 div=2", // m4-O3
            "ld=31 ru=28 ldrd=1 ldm=4 ldmr=22 st=29 strd=6 stm=4 stmr=22 simd=1 alu=63 sh=2 it=2 br=25 tk=21 div=2 m7c=142", // m7-Os
            "ld=5 ru=3 ldrd=1 ldm=1 ldmr=9 st=9 stm=1 stmr=9 mac=2 simd=1 alu=14 sh=2 br=1 div=2 m7c=117", // m7-O2
            "ld=5 ru=3 ldrd=1 ldm=1 ldmr=9 st=8 stm=1 stmr=9 mac=1 simd=1 alu=18 sh=2 br=3 div=2 m7c=119", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=6 ru=4 st=2 alu=5 br=3 tk=2", // m4-Os
            "ld=7 ru=4 st=6 mac=1 alu=19 sh=1 it=1 br=2 tk=1", // m4-O2
            "ld=5 ru=4 ldrd=1 st=7 strd=1 mac=2 alu=16 sh=1 it=1 br=1 tk=1", // m4-O3
            "ld=6 ru=4 st=2 alu=5 br=3 tk=2 m7c=20", // m7-Os
            "ld=7 ru=6 st=6 mac=1 alu=19 sh=1 it=1 br=2 tk=1 m7c=-22", // m7-O2
            "ld=5 ru=5 ldrd=1 st=6 strd=1 mac=2 alu=16 sh=1 it=1 br=1 tk=1 m7c=-22", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=5 ru=4 st=1 alu=5 br=3 tk=1", // m4-Os
            "ld=10 ru=6 st=4 strd=1 mac=1 alu=17 sh=1 it=1 br=3", // m4-O2
            "ld=8 ru=6 ldrd=1 st=4 strd=1 mac=1 alu=13 sh=1 it=1 br=2", // m4-O3
            "ld=5 ru=4 st=1 alu=5 br=3 tk=1 m7c=19", // m7-Os
            "ld=10 ru=8 st=4 strd=1 mac=1 alu=17 sh=1 it=1 br=3 m7c=34.9", // m7-O2
            "ld=10 ru=9 ldrd=1 st=4 strd=2 mac=1 alu=15 sh=1 it=1 br=2 m7c=36.9", // m7-O3
        ]),
        // per output value: window limits, division (average) or clamp, store
        MeasuredTerm("out", .requant, [
            "ld=19 ru=13 ldrd=1 ldm=1 ldmr=2 st=9 stm=1 stmr=2 mac=3 alu=19 sh=2 it=4 br=3 tk=3", // m4-Os
            "ld=4 ru=4 st=1 strd=1 alu=10 br=2", // m4-O2
            "ld=4 ru=3 st=2 alu=9 br=2", // m4-O3
            "ld=19 ru=15 ldrd=1 ldm=1 ldmr=2 st=9 stm=1 stmr=2 mac=3 alu=19 sh=2 it=4 br=3 tk=3 m7c=60", // m7-Os
            "ld=4 ru=4 st=1 strd=1 alu=10 br=2 m7c=4.7", // m7-O2
            "ld=4 ru=3 st=2 alu=9 br=2 m7c=1.7", // m7-O3
        ]),
        // per output value and window row
        MeasuredTerm("row", .overhead, [
            "ld=5 ru=4 st=1 alu=4 br=4 tk=3", // m4-Os
            "ld=4 ru=3 st=1 alu=6 br=2", // m4-O2
            "ld=4 ru=3 st=1 alu=6 br=2", // m4-O3
            "ld=5 ru=4 st=1 alu=4 br=4 tk=3 m7c=20", // m7-Os
            "ld=4 ru=3 st=1 alu=6 br=2 m7c=22.5", // m7-O2
            "ld=4 ru=3 st=1 alu=6 br=2 m7c=22.5", // m7-O3
        ]),
        // per output value and window tap: Offset() arithmetic, load, add or max
        MeasuredTerm("tap", .mac, [
            "ld=12 ru=9 ldrd=1 ldm=1 ldmr=2 st=3 strd=1 stm=1 stmr=2 mac=3 alu=8 it=1 br=2 tk=3", // m4-Os
            "ld=2 ru=2 alu=5 it=1 br=1 tk=1", // m4-O2
            "ld=2 ru=2 alu=5 it=1 br=1 tk=1", // m4-O3
            "ld=12 ru=9 ldrd=1 ldm=1 ldmr=2 st=3 strd=1 stm=1 stmr=2 mac=3 alu=8 it=1 br=2 tk=3 m7c=31", // m7-Os
            "ld=2 ru=2 alu=5 it=1 br=1 tk=1 m7c=7.5", // m7-O2
            "ld=2 ru=2 alu=5 it=1 br=1 tk=1 m7c=7.5", // m7-O3
        ]),
    ])

    // TFLM reference Add (int8, elementwise)
    // Instruction counts: decomposition approximate, largest miss 141 instructions (35.1% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 18.6% of a run.
    static let referenceAdd = MeasuredKernel(function: "TFLM reference Add (int8, elementwise)", terms: [
        // tflite::reference_integer_ops::Add (AddElementwise): entry
        MeasuredTerm("call", .overhead, [
            "ld=8 ru=8 ldm=6 ldmr=21 st=3 stm=6 stmr=21 mac=3 alu=55.7 br=25.4 tk=22.4", // m4-Os
            "ld=3 ru=1 ldm=1 ldmr=8 stm=1 stmr=8 alu=12 sh=2 br=5.3 tk=6.2", // m4-O2
            "ld=3 ru=1 ldm=1 ldmr=8 stm=1 stmr=8 alu=6.6 sh=1 br=2.3 tk=3.7", // m4-O3
            "ld=9 ru=9 ldm=6 ldmr=21 st=3 stm=6 stmr=21 mac=3 alu=59.3 br=27 tk=24 m7c=146.9", // m7-Os
            "ld=3 ru=3 ldm=1 ldmr=8 stm=1 stmr=8 alu=4.3 sh=-1.2 it=0.4 br=1 tk=1.4 m7c=-0.2", // m7-O2
            "ld=3 ru=3 ldm=1 ldmr=8 stm=1 stmr=8 alu=3 sh=-1.6 it=-1.2 br=-0.4 tk=-2 m7c=12.8", // m7-O3
        ]),
        // per element: 2 input rescales + output rescale (MultiplyByQuantizedMultiplierSmallerThanOneExp), clamp
        MeasuredTerm("elem", .mac, [
            "ld=3.5 ru=3.5 ldm=3 ldmr=6 st=1 stm=3 stmr=6 mac=3 alu=70 sh=6 it=5 br=26 tk=26", // m4-Os
            "ld=2 ru=1 st=1 mac=1 simd=1 alu=28 sh=10 it=4 br=7 tk=3", // m4-O2
            "ld=2 ru=1 st=1 mac=1 simd=1 alu=28 sh=10 it=4 br=7 tk=3", // m4-O3
            "ld=3.4 ru=3.4 ldm=3 ldmr=6 st=1 stm=3 stmr=6 mac=3 alu=69.8 sh=6 it=5 br=26 tk=26 m7c=79", // m7-Os
            "ld=2 ru=1 st=1 mac=1 simd=1 alu=27 sh=12.5 it=4.5 br=7 tk=3 m7c=43.4", // m7-O2
            "ld=2 ru=1 st=1 mac=1 simd=1 alu=28.6 sh=11 it=4.5 br=7 tk=3 m7c=41.5", // m7-O3
        ]),
    ])

    // TFLM reference Softmax (int8)
    // Instruction counts: decomposition approximate, largest miss 345 instructions (5.5% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 6.1% of a run.
    static let referenceSoftmax = MeasuredKernel(function: "TFLM reference Softmax (int8)", terms: [
        // tflite::reference_ops::Softmax (int8): entry
        MeasuredTerm("call", .overhead, [
            "ld=10.6 ru=9.6 ldm=4 ldmr=17 st=10 strd=2 stm=4 stmr=17 mac=2 alu=48.7 sh=2 it=3 br=16.5 tk=12", // m4-Os
            "ld=-4.7 ru=-4.7 ldm=1 ldmr=9 st=6 stm=1 stmr=9 alu=-19.4 sh=2 it=-0.4 br=-8.3 tk=-11.5", // m4-O2
            "ld=-0.2 ru=-0.2 ldm=1 ldmr=9 st=6 stm=1 stmr=9 alu=-1.8 br=0.8 tk=2.5", // m4-O3
            "ld=15.3 ru=15.3 ldm=4 ldmr=17 st=10 strd=2 stm=4 stmr=17 mac=2 alu=64.3 sh=2 it=3 br=22.8 tk=24.3 m7c=151.2", // m7-Os
            "ld=3.4 ru=3.4 ldm=1 ldmr=9 st=4 strd=1 stm=1 stmr=9 alu=27.2 br=5.7 tk=0.3 m7c=54.1", // m7-O2
            "ld=1 ru=1 ldm=1 ldmr=9 st=4 strd=1 stm=1 stmr=9 alu=-18.3 br=1 tk=7.5 m7c=64.2", // m7-O3
        ]),
        // per row
        MeasuredTerm("row", .requant, [
            "ld=5 ru=5 ldm=1 ldmr=4 st=2 stm=1 stmr=4 mac=7 simd=1 alu=139.5 sh=11 it=2 br=55 tk=34.4", // m4-Os
            "ld=14.7 ru=11.7 ldm=1 ldmr=3 st=5 stm=1 stmr=3 mac=14 simd=1 alu=92 sh=9.3 it=1.7 br=23.7 tk=10.7", // m4-O2
            "ld=14.4 ru=11.4 ldm=1 ldmr=4 st=5 stm=1 stmr=4 mac=18 simd=1 alu=91.5 sh=15 it=3 br=15 tk=1.2", // m4-O3
            "ld=4.5 ru=4.5 ldm=1 ldmr=4 st=2 stm=1 stmr=4 mac=7 simd=1 alu=137.5 sh=11 it=2 br=54.4 tk=32.5 m7c=184.3", // m7-Os
            "ld=15.3 ru=12.3 ldm=1 ldmr=6 st=6 stm=1 stmr=6 mac=14 simd=1 alu=122 sh=10.7 it=10 br=27 tk=12.4 m7c=178", // m7-O2
            "ld=14.5 ru=11.5 ldm=1 ldmr=3 st=6 stm=1 stmr=3 mac=18 simd=1 alu=110.2 sh=13 it=3 br=21 tk=0.6 m7c=155.5", // m7-O3
        ]),
        // per element over the passes (gemmlowp fixed-point exp)
        MeasuredTerm("elem", .mac, [
            "ld=30.5 ru=28.5 ldrd=2 ldm=47 ldmr=110 st=5 stm=47 stmr=110 mac=27 simd=16 alu=564 sh=51 it=27 br=226 tk=236", // m4-Os
            "ld=28.4 ru=28.4 ldm=4 ldmr=12 st=1 stm=4 stmr=12 mac=33 simd=34 alu=254.7 sh=37.8 it=8 br=45 tk=22", // m4-O2
            "ld=44 ru=34 ldm=4 ldmr=16 st=1 stm=4 stmr=16 mac=33 simd=32 alu=342.4 sh=35 it=30 br=42 tk=34.4", // m4-O3
            "ld=30.5 ru=28.5 ldrd=2 ldm=47 ldmr=110 st=5 stm=47 stmr=110 mac=27 simd=16 alu=564.4 sh=51 it=27 br=226.3 tk=236 m7c=715.3", // m7-Os
            "ld=43 ru=39 ldm=2 ldmr=8 st=1 stm=4 stmr=10 mac=33 simd=34 alu=327.7 sh=39 it=26 br=44.4 tk=34 m7c=371.6", // m7-O2
            "ld=42 ru=40 ldm=4 ldmr=16 st=1 stm=4 stmr=16 mac=33 simd=32 alu=356 sh=35 it=32 br=42 tk=34.6 m7c=403.3", // m7-O3
        ]),
    ])

    // TFLM reference Conv (float32)
    // Instruction counts: decomposition approximate, largest miss 86 instructions (3.4% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 18.4% of a run.
    static let referenceConvFloat = MeasuredKernel(function: "TFLM reference Conv (float32)", terms: [
        // tflite::reference_ops::Conv (float): entry
        MeasuredTerm("call", .overhead, [
            "ld=33 ru=30 ldrd=3 ldm=5 ldmr=17 st=39 strd=5 stm=5 stmr=17 simd=2 alu=85 sh=2 it=2 br=39 tk=31 div=4 fld=2 fst=1", // m4-Os
            "ld=4 ru=1 ldrd=1 ldm=1 ldmr=9 st=19 stm=1 stmr=9 mac=13 simd=2 alu=12 sh=2 br=-2 tk=-1 div=2 fld=3", // m4-O2
            "ld=6 ru=2 ldm=1 ldmr=9 st=15 strd=1 stm=1 stmr=9 mac=12 simd=2 alu=16 sh=2 tk=-1 div=2 fld=3", // m4-O3
            "ld=33 ru=33 ldrd=3 ldm=5 ldmr=17 st=39 strd=5 stm=5 stmr=17 simd=2 alu=85 sh=2 it=2 br=39 tk=31 div=4 fld=2 fst=1 m7c=203.8", // m7-Os
            "ld=5 ru=6 ldrd=1 ldm=1 ldmr=9 st=16 strd=1 stm=1 stmr=9 mac=13 simd=2 alu=11 sh=2 br=-2 tk=-1 div=2 fld=3 m7c=17.7", // m7-O2
            "ld=7.3 ru=8.3 ldrd=1 ldm=1 ldmr=9 st=14 stm=1 stmr=9 mac=8 simd=2 alu=18.3 sh=3 br=3.3 div=2 fld=3 m7c=28.4", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=6 ru=4 st=3 alu=4 br=2 tk=2", // m4-Os
            "ld=8 ru=6 ldrd=1 st=5 alu=17 br=1 tk=1", // m4-O2
            "ld=8 ru=6 st=4 strd=1 mac=1 alu=14 tk=1", // m4-O3
            "ld=6 ru=4 st=3 alu=4 br=2 tk=2 m7c=22.5", // m7-Os
            "ld=9 ru=7 st=5 alu=19 br=1 tk=1 m7c=22.6", // m7-O2
            "ld=3.4 ru=1.4 st=4 strd=1 mac=1 alu=14.4 br=-1.6 tk=1 m7c=19.3", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=4.5 ru=3.5 st=1 alu=5.5 br=3.5 tk=2", // m4-Os
            "ld=8.5 ru=7.5 ldrd=1 st=5 strd=1 alu=16.5 sh=1 br=3.5", // m4-O2
            "ld=6.5 ru=4.5 ldrd=1 st=5 strd=1 alu=17.5 sh=1 br=2.5", // m4-O3
            "ld=4.5 ru=4.5 st=1 alu=5.5 br=3.5 tk=2 m7c=19.9", // m7-Os
            "ld=8.5 ru=8.5 ldrd=1 st=4 strd=2 alu=17.5 sh=1 br=3.5 m7c=28.1", // m7-O2
            "ld=7.5 ru=6.5 st=6 alu=20.5 sh=1 br=2.5 m7c=17.9", // m7-O3
        ]),
        // per output: bias add, activation clamp, store (float)
        MeasuredTerm("out", .requant, [
            "ld=12 ru=12 ldm=1 ldmr=2 st=2 stm=1 stmr=2 mac=4 alu=8 sh=2 it=1 br=5 tk=3 div=1 fp=6 fld=4 fst=1", // m4-Os
            "ld=13 ru=10 st=3 strd=1 mac=1 alu=14 sh=2 it=1 br=5 tk=1.5 div=1 fp=6 fld=2 fst=1", // m4-O2
            "ld=12 ru=9 st=2 strd=2 mac=1 alu=12 sh=2 it=1 br=5 tk=1.5 div=1 fp=6 fld=2 fst=1", // m4-O3
            "ld=12 ru=13 ldm=1 ldmr=2 st=2 stm=1 stmr=2 mac=4 alu=8 sh=2 br=5 tk=3 div=1 fp=6 fld=4 fst=1 m7c=50", // m7-Os
            "ld=13 ru=12 st=3 strd=1 mac=1 alu=13 sh=2 br=5 tk=1.5 div=1 fp=6 fld=2 fst=1 m7c=21.3", // m7-O2
            "ld=11 ru=10 st=2 strd=2 mac=1 alu=10 sh=2 br=5 tk=2 div=1 fp=6 fld=2 fst=1 m7c=14.2", // m7-O3
        ]),
        // per output and filter row
        MeasuredTerm("krow", .overhead, [
            "ld=3 ru=3 alu=5 br=3 tk=2", // m4-Os
            "ld=5 ru=4 ldrd=1 st=1 strd=1 alu=9 br=3 tk=1.8", // m4-O2
            "ld=5 ru=5 ldrd=1 strd=1 alu=9 br=3 tk=1.8", // m4-O3
            "ld=3 ru=3 alu=5 br=3 tk=2 m7c=18.6", // m7-Os
            "ld=5 ru=5 ldrd=1 st=1 strd=1 alu=9 br=3 tk=1.8 m7c=42.5", // m7-O2
            "ld=5 ru=5 ldrd=1 st=1 strd=1 alu=12 sh=1 it=2 br=3 tk=3 m7c=50.5", // m7-O3
        ]),
        // per output and filter tap: is_point_inside_image test
        MeasuredTerm("tap", .overhead, [
            "ld=1.6 ru=1.6 alu=4.6 br=3.6 tk=3", // m4-Os
            "ld=1.6 ru=1.6 alu=5.6 br=2.6 tk=1.7", // m4-O2
            "ld=1.6 ru=1.6 alu=5.6 br=2.6 tk=1.7", // m4-O3
            "ld=1.6 ru=1.6 alu=4.6 br=3.6 tk=3 m7c=11.4", // m7-Os
            "ld=1.6 ru=1.6 alu=5.6 br=2.6 tk=1.7 m7c=8", // m7-O2
            "ld=3 ru=3 alu=7 br=3 tk=1 m7c=12.7", // m7-O3
        ]),
        // per output and tap inside the input: input channel loop set-up
        MeasuredTerm("vtap", .overhead, [
            "ld=2.4 ru=2.4 alu=3.4 br=3.4", // m4-Os
            "ld=4.4 ru=4.4 alu=3.4 sh=3 br=2.4 tk=-2", // m4-O2
            "ld=4.4 ru=4.4 st=1 alu=3.4 sh=3 br=2.4 tk=-2", // m4-O3
            "ld=2.4 ru=2.4 alu=3.4 br=3.4 m7c=11", // m7-Os
            "ld=4.4 ru=3.4 st=1 alu=3.4 sh=3 br=2.4 tk=-2 m7c=9.8", // m7-O2
            "ld=3 ru=3 alu=2 sh=2 br=3 tk=-1 m7c=3.1", // m7-O3
        ]),
        // per MAC: Offset() arithmetic, 2 VLDR, VFMA/VMLA
        MeasuredTerm("mac", .mac, [
            "ld=12 ru=12 ldm=2 ldmr=4 st=2 stm=2 stmr=4 mac=6 alu=11 sh=2 br=3 tk=5 fmac=1 fld=2", // m4-Os
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2", // m4-O2
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2", // m4-O3
            "ld=12 ru=12 ldm=2 ldmr=4 st=2 stm=2 stmr=4 mac=6 alu=11 sh=2 br=3 tk=5 fmac=1 fld=2 m7c=39", // m7-Os
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2 m7c=5.1", // m7-O2
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2 m7c=5.1", // m7-O3
        ]),
    ])

    // TFLM reference DepthwiseConv (float32)
    // Instruction counts: decomposition approximate, largest miss 465 instructions (13.4% of that run).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 22.7% of a run.
    static let referenceDepthwiseFloat = MeasuredKernel(function: "TFLM reference DepthwiseConv (float32)", terms: [
        // tflite::reference_ops::DepthwiseConv (float): entry
        MeasuredTerm("call", .overhead, [
            "ld=30.4 ru=28.4 ldrd=2 ldm=5 ldmr=17 st=33 strd=6 stm=5 stmr=17 simd=2 alu=90 sh=2 it=1 br=46 tk=31 div=2 fld=4 fst=1", // m4-Os
            "ld=5.4 ru=2.4 ldm=1 ldmr=9 st=11 strd=1 stm=1 stmr=9 mac=7 simd=2 alu=16.4 sh=3 br=-1.6 div=2 fld=3", // m4-O2
            "ld=-6.3 ru=-8.2 ldm=1 ldmr=9 st=9 strd=1 stm=1 stmr=9 mac=6 simd=2 alu=-11.5 sh=3 br=-9.6 tk=-4.4 div=2 fld=3", // m4-O3
            "ld=30.4 ru=32.5 ldrd=2 ldm=5 ldmr=17 st=33 strd=6 stm=5 stmr=17 simd=2 alu=90 sh=2 it=1 br=46 tk=31 div=2 fld=4 fst=1 m7c=196.2", // m7-Os
            "ld=5.4 ru=6.4 ldm=1 ldmr=9 st=11 strd=1 stm=1 stmr=9 mac=7 simd=2 alu=16.4 sh=3 br=-1.6 div=2 fld=3 m7c=17.4", // m7-O2
            "ld=-8 ru=-6 ldm=1 ldmr=9 st=9 strd=1 stm=1 stmr=9 mac=6 simd=2 alu=-12.8 sh=3 br=-11 tk=-4.4 div=2 fld=3 m7c=-33", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=-1.2 ru=-1.2 ldrd=1 st=2 alu=-3 br=-5 tk=2", // m4-Os
            "ld=3.6 ru=0.6 st=2 strd=1 alu=13.6 br=-0.4 tk=1", // m4-O2
            "ld=14 ru=10.4 ldrd=1 st=4.5 strd=1 mac=1 alu=32 br=9 tk=4.4", // m4-O3
            "ld=-1.2 ru=-1.2 ldrd=1 st=2 alu=-3 br=-5 tk=2 m7c=21.3", // m7-Os
            "ld=3.6 ru=0.6 st=2 strd=1 alu=13.6 br=-0.4 tk=1 m7c=26", // m7-O2
            "ld=14.6 ru=12 ldrd=1 st=4.5 strd=1 mac=1 alu=32 br=9 tk=4.4 m7c=71.6", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=4.7 ru=3.7 st=1 alu=6 br=4 tk=2", // m4-Os
            "ld=5.6 ru=4.6 ldrd=1 st=5 alu=14.6 sh=2 br=3.6", // m4-O2
            "ld=5.6 ru=2.7 st=4 alu=12.7 sh=2 br=1.6", // m4-O3
            "ld=4.7 ru=4.7 st=1 alu=6 br=4 tk=2 m7c=18.9", // m7-Os
            "ld=5.6 ru=5.6 ldrd=1 st=5 alu=14.6 sh=2 br=3.6 m7c=25.2", // m7-O2
            "ld=5.5 ru=4.7 st=4 alu=12.7 sh=2 br=1.7 m7c=16.9", // m7-O3
        ]),
        // per output: bias, clamp, store (float)
        MeasuredTerm("out", .requant, [
            "ld=9 ru=9 ldm=1 ldmr=2 st=1 stm=1 stmr=2 mac=3 alu=9 sh=2 it=1 br=6 tk=4 fp=6 fld=2 fst=1", // m4-Os
            "ld=9 ru=7 st=2 strd=1 alu=11 sh=1 it=1 br=5 tk=2 fp=6 fld=2 fst=1", // m4-O2
            "ld=6.5 ru=6 ldrd=1 st=2.4 strd=1 alu=9.6 sh=1 it=1 br=5.3 tk=1.3 fp=6 fld=2 fst=1", // m4-O3
            "ld=9 ru=10 ldm=1 ldmr=2 st=1 stm=1 stmr=2 mac=3 alu=9 sh=2 br=6 tk=4 fp=6 fld=2 fst=1 m7c=43.1", // m7-Os
            "ld=9 ru=8 st=2 strd=1 alu=11 sh=1 br=5 tk=2 fp=6 fld=2 fst=1 m7c=-7.7", // m7-O2
            "ld=6.7 ru=7.3 ldrd=1 st=2.4 strd=1 alu=9.6 sh=1 br=5.3 tk=1.3 fp=6 fld=2 fst=1 m7c=-6.2", // m7-O3
        ]),
        // per output and filter row
        MeasuredTerm("krow", .overhead, [
            "ld=3 ru=3 alu=5 br=3 tk=2", // m4-Os
            "ld=4 ru=3 st=1 alu=8 br=2", // m4-O2
            "ld=4 ru=3.7 st=0.5 alu=7.3 br=3.4 tk=1", // m4-O3
            "ld=3 ru=3 alu=5 br=3 tk=2 m7c=20.1", // m7-Os
            "ld=4 ru=3 st=1 alu=8 br=2 m7c=55.8", // m7-O2
            "ld=4 ru=3.4 st=0.5 alu=7.3 br=3.4 tk=1 m7c=52.5", // m7-O3
        ]),
        // per output and filter tap: inside-image test
        MeasuredTerm("tap", .overhead, [
            "ld=2 ru=2 alu=5.3 br=3.3 tk=2", // m4-Os
            "ld=2.6 ru=2.6 alu=5.7 br=2.6 tk=2", // m4-O2
            "ld=1 ru=1 alu=2.2 br=1 tk=1", // m4-O3
            "ld=2 ru=2 alu=5.3 br=3.3 tk=2 m7c=13.4", // m7-Os
            "ld=2.6 ru=2.6 alu=5.7 br=2.6 tk=2 m7c=6.5", // m7-O2
            "ld=1 ru=1 alu=2.2 br=1 tk=1 m7c=0.1", // m7-O3
        ]),
        // per MAC: Offset() arithmetic, VLDR x2, VMLA
        MeasuredTerm("mac", .mac, [
            "ld=11 ru=11 ldm=2 ldmr=4 st=2 stm=2 stmr=4 mac=6 alu=9.7 sh=2 br=3.7 tk=3 fmac=1 fld=2", // m4-Os
            "ld=1.4 ru=2.4 alu=1.4 br=1.4 tk=-1 fmac=1 fld=2", // m4-O2
            "ld=2 ru=3 st=0.2 alu=4.5 br=2 tk=-0.3 fmac=1 fld=2", // m4-O3
            "ld=11 ru=11 ldm=2 ldmr=4 st=2 stm=2 stmr=4 mac=6 alu=9.7 sh=2 br=3.7 tk=3 fmac=1 fld=2 m7c=32.5", // m7-Os
            "ld=1.4 ru=2.4 alu=1.4 br=1.4 tk=-1 fmac=1 fld=2 m7c=1.8", // m7-O2
            "ld=2.3 ru=3 st=0.2 alu=4.5 br=2 tk=-0.3 fmac=1 fld=2 m7c=7.1", // m7-O3
        ]),
    ])

    // TFLM reference FullyConnected (float32)
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 6.8% of a run.
    static let referenceFullyConnectedFloat = MeasuredKernel(function: "TFLM reference FullyConnected (float32)", terms: [
        // tflite::reference_ops::FullyConnected (float): entry
        MeasuredTerm("call", .overhead, [
            "ld=16 ru=14 ldm=6 ldmr=20 st=13 strd=3 stm=6 stmr=20 mac=2 alu=100 sh=3 it=3 br=46 tk=38 fld=3", // m4-Os
            "ld=1 ru=1 ldrd=1 ldm=1 ldmr=9 st=2 stm=1 stmr=9 alu=8 sh=4 br=1 tk=-1 fld=3", // m4-O2
            "ld=1 ru=1 ldrd=1 ldm=1 ldmr=9 st=2 stm=1 stmr=9 alu=9 sh=4 br=2 tk=-1 fld=3", // m4-O3
            "ld=16 ru=18 ldm=6 ldmr=20 st=13 strd=3 stm=6 stmr=20 mac=2 alu=100 sh=3 it=3 br=46 tk=38 fld=3 m7c=166", // m7-Os
            "ld=1 ru=3 ldrd=1 ldm=1 ldmr=9 st=2 stm=1 stmr=9 alu=8 sh=4 br=1 tk=-1 fld=3 m7c=8.7", // m7-O2
            "ld=1 ru=3 ldrd=1 ldm=1 ldmr=9 st=2 stm=1 stmr=9 alu=9 sh=4 br=2 tk=-1 fld=3 m7c=9.7", // m7-O3
        ]),
        // per batch row
        MeasuredTerm("batch", .overhead, [
            "ld=2 ru=2 alu=7 sh=2 br=4 tk=3", // m4-Os
            "ld=4 ru=3 st=1 alu=9 sh=1 br=2", // m4-O2
            "ld=4 ru=3 st=1 alu=8 sh=1 br=1", // m4-O3
            "ld=2 ru=2 alu=7 sh=2 br=4 tk=3 m7c=17", // m7-Os
            "ld=4 ru=3 st=1 alu=9 sh=1 br=2 m7c=17", // m7-O2
            "ld=4 ru=4 st=1 alu=8 sh=1 br=1 m7c=14", // m7-O3
        ]),
        // per output: bias, clamp, store
        MeasuredTerm("out", .requant, [
            "ld=2 ru=3 alu=6 sh=2 it=1 br=5 tk=1 fp=6 fld=2 fst=1", // m4-Os
            "ru=2 alu=5 sh=1 it=1 br=4 fp=6 fld=2 fst=1", // m4-O2
            "ru=2 alu=5 sh=1 it=1 br=4 fp=6 fld=2 fst=1", // m4-O3
            "ld=2 ru=4 alu=6 sh=2 br=5 tk=1 fp=6 fld=2 fst=1 m7c=28", // m7-Os
            "ru=2 alu=5 sh=1 br=4 fp=6 fld=2 fst=1 m7c=20.4", // m7-O2
            "ru=2 alu=5 sh=1 br=4 fp=6 fld=2 fst=1 m7c=20.4", // m7-O3
        ]),
        // per MAC: VLDR x2, VMLA
        MeasuredTerm("mac", .mac, [
            "ru=1 alu=2 br=1 tk=1 fmac=1 fld=2", // m4-Os
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2", // m4-O2
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2", // m4-O3
            "ru=2 alu=2 br=1 tk=1 fmac=1 fld=2 m7c=4", // m7-Os
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2 m7c=5", // m7-O2
            "ru=1 alu=1 br=1 tk=1 fmac=1 fld=2 m7c=5", // m7-O3
        ]),
    ])

    // TFLM reference AveragePool (float32)
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 22.1% of a run.
    static let referenceAvgPoolFloat = MeasuredKernel(function: "TFLM reference AveragePool (float32)", terms: [
        // tflite::reference_ops pooling (float): entry
        MeasuredTerm("call", .overhead, [
            "ld=27 ru=23 ldrd=1 ldm=3 ldmr=13 st=27 strd=5 stm=3 stmr=13 simd=1 alu=55 sh=2 it=2 br=24 tk=18 div=2 fp=1 fld=3 fst=3", // m4-Os
            "ld=8 ru=6 ldm=1 ldmr=9 st=22 strd=1 stm=1 stmr=9 mac=2 simd=3 alu=19 sh=4 br=1 div=2 fp=1 fld=2 fst=2", // m4-O2
            "ld=7 ru=3 ldm=1 ldmr=9 st=9 strd=1 stm=1 stmr=9 mac=2 simd=1 alu=14 sh=3 br=1 tk=1 div=2 fp=1 fld=2", // m4-O3
            "ld=27 ru=28 ldrd=1 ldm=3 ldmr=13 st=27 strd=5 stm=3 stmr=13 simd=1 alu=55 sh=2 it=2 br=24 tk=18 div=2 fp=1 fld=3 fst=3 m7c=137", // m7-Os
            "ld=8 ru=7 ldm=1 ldmr=9 st=22 strd=1 stm=1 stmr=9 mac=2 simd=3 alu=19 sh=4 br=1 div=2 fp=1 fld=2 fst=2 m7c=144.9", // m7-O2
            "ld=5 ru=4 ldrd=1 ldm=1 ldmr=9 st=9 strd=1 stm=1 stmr=9 mac=2 simd=1 alu=14 sh=3 br=1 tk=1 div=2 fp=1 fld=2 m7c=135.1", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=9 ru=6 st=6 alu=10 sh=1 it=1 br=3 tk=2 fld=1", // m4-Os
            "ld=6 ru=4 ldrd=2 st=3 strd=3 mac=1 alu=14 sh=1 it=1 br=2 tk=1", // m4-O2
            "ld=6 ru=3 ldrd=1 st=4 strd=2 mac=1 alu=18 sh=1 it=1 br=2 tk=1", // m4-O3
            "ld=9 ru=8 st=6 alu=10 sh=1 it=1 br=3 tk=2 fld=1 m7c=26", // m7-Os
            "ld=6 ru=6 ldrd=2 st=3 strd=3 mac=1 alu=14 sh=1 it=1 br=2 tk=1 m7c=-27.4", // m7-O2
            "ld=6 ru=6 ldrd=1 st=4 strd=2 mac=1 alu=18 sh=1 it=1 br=2 tk=1 m7c=-27.2", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=7 ru=5 st=4 alu=9 sh=1 it=1 br=3 tk=1", // m4-Os
            "ld=12 ru=8 ldrd=1 st=5 strd=1 mac=1 alu=13 sh=2 it=1 br=3", // m4-O2
            "ld=11 ru=6 st=4 mac=1 alu=15 sh=2 it=1 br=3", // m4-O3
            "ld=7 ru=6 st=4 alu=9 sh=1 it=1 br=3 tk=1 m7c=24", // m7-Os
            "ld=12 ru=9 ldrd=1 st=5 strd=1 mac=1 alu=13 sh=2 it=1 br=3 m7c=41.2", // m7-O2
            "ld=11 ru=8 st=4 mac=1 alu=15 sh=2 it=1 br=3 m7c=35.9", // m7-O3
        ]),
        // per output value: window limits, division (average) or clamp, store
        MeasuredTerm("out", .requant, [
            "ld=8 ru=7 ldrd=1 ldm=1 ldmr=2 st=1 stm=1 stmr=2 mac=3 alu=5 sh=1 it=1 br=6 tk=4 fp=8 fld=1 fst=1 fdiv=1", // m4-Os
            "ld=1 ru=2 alu=6 it=1 br=4 fp=8 fld=1 fst=1 fdiv=1", // m4-O2
            "ld=2 ru=3 ldrd=2 st=2 strd=1 alu=6 it=1 br=4 fp=8 fld=1 fst=1 fdiv=1", // m4-O3
            "ld=8 ru=7 ldrd=1 ldm=1 ldmr=2 st=1 stm=1 stmr=2 mac=3 alu=5 sh=1 br=6 tk=4 fp=8 fld=1 fst=1 fdiv=1 m7c=44", // m7-Os
            "ld=1 ru=2 alu=6 br=4 fp=8 fld=1 fst=1 fdiv=1 m7c=7.4", // m7-O2
            "ld=2 ru=3 ldrd=2 st=2 strd=1 alu=6 br=4 fp=8 fld=1 fst=1 fdiv=1 m7c=14.2", // m7-O3
        ]),
        // per output value and window row
        MeasuredTerm("row", .overhead, [
            "ld=4 ru=3 alu=4 br=3 tk=2", // m4-Os
            "alu=6 br=2", // m4-O2
            "ld=2 ru=2 alu=6 br=2", // m4-O3
            "ld=4 ru=3 alu=4 br=3 tk=2 m7c=17", // m7-Os
            "alu=6 br=2 m7c=18.2", // m7-O2
            "ld=2 ru=2 alu=6 br=2 m7c=20", // m7-O3
        ]),
        // per output value and window tap: Offset() arithmetic, load, add or max
        MeasuredTerm("tap", .mac, [
            "ld=8 ru=7 ldm=1 ldmr=2 st=2 stm=1 stmr=2 mac=3 alu=5 sh=1 br=2 tk=3 fp=2 fld=1", // m4-Os
            "ru=1 alu=3 br=1 tk=1 fp=2 fld=1", // m4-O2
            "ld=1 ru=1 alu=3 br=1 tk=1 fp=2 fld=1", // m4-O3
            "ld=8 ru=7 ldm=1 ldmr=2 st=2 stm=1 stmr=2 mac=3 alu=5 sh=1 br=2 tk=3 fp=2 fld=1 m7c=22", // m7-Os
            "ru=1 alu=3 br=1 tk=1 fp=2 fld=1 m7c=3.6", // m7-O2
            "ld=1 ru=1 alu=3 br=1 tk=1 fp=2 fld=1 m7c=4.8", // m7-O3
        ]),
    ])

    // TFLM reference MaxPool (float32)
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 17.9% of a run.
    static let referenceMaxPoolFloat = MeasuredKernel(function: "TFLM reference MaxPool (float32)", terms: [
        // tflite::reference_ops pooling (float): entry
        MeasuredTerm("call", .overhead, [
            "ld=31 ru=28 ldrd=1 ldm=4 ldmr=22 st=29 strd=5 stm=4 stmr=22 simd=1 alu=61 sh=2 it=2 br=25 tk=21 div=2 fld=5 fst=4", // m4-Os
            "ld=18 ru=12 ldrd=3 ldm=2 ldmr=18 st=32 strd=1 stm=2 stmr=18 mac=4 simd=3 alu=37 sh=4 it=2 br=5 tk=2 div=2 fld=2 fst=2", // m4-O2
            "ld=7 ru=3 ldm=1 ldmr=9 st=8 strd=1 stm=1 stmr=9 mac=1 simd=1 alu=18 sh=3 br=3 div=2 fld=2", // m4-O3
            "ld=31 ru=32 ldrd=1 ldm=4 ldmr=22 st=29 strd=5 stm=4 stmr=22 simd=1 alu=61 sh=2 it=2 br=25 tk=21 div=2 fld=5 fst=4 m7c=145", // m7-Os
            "ld=18 ru=15 ldrd=3 ldm=2 ldmr=18 st=32 strd=1 stm=2 stmr=18 mac=4 simd=3 alu=37 sh=4 it=2 br=5 tk=2 div=2 fld=2 fst=2 m7c=180.6", // m7-O2
            "ld=5 ru=4 ldrd=1 ldm=1 ldmr=9 st=8 strd=1 stm=1 stmr=9 mac=1 simd=1 alu=18 sh=3 br=3 div=2 fld=2 m7c=126", // m7-O3
        ]),
        // per output row
        MeasuredTerm("out_row", .overhead, [
            "ld=6 ru=4 st=2 alu=5 br=3 tk=2", // m4-Os
            "ld=3 ru=2 ldrd=2 st=2 strd=3 alu=8 br=2", // m4-O2
            "ld=7 ru=4 st=6 strd=1 mac=2 alu=14 sh=1 it=1 br=1 tk=1", // m4-O3
            "ld=6 ru=4 st=2 alu=5 br=3 tk=2 m7c=20", // m7-Os
            "ld=2 ru=2 ldrd=3 st=2 strd=3 alu=9 br=2 m7c=-33", // m7-O2
            "ld=7 ru=6 st=6 strd=1 mac=2 alu=14 sh=1 it=1 br=1 tk=1 m7c=-24.1", // m7-O3
        ]),
        // per output pixel
        MeasuredTerm("pixel", .overhead, [
            "ld=5 ru=4 st=1 alu=5 br=3 tk=1", // m4-Os
            "ld=17 ru=11 ldrd=1 st=2 strd=1 mac=2 alu=19 sh=4 it=2 br=2", // m4-O2
            "ld=11 ru=7 st=3 mac=1 alu=15 sh=2 it=1 br=2", // m4-O3
            "ld=5 ru=4 st=1 alu=5 br=3 tk=1 m7c=19", // m7-Os
            "ld=14 ru=10 ldrd=2 st=1 strd=1 mac=2 alu=19 sh=4 it=2 br=2 m7c=49.3", // m7-O2
            "ld=11 ru=9 st=3 mac=1 alu=15 sh=2 it=1 br=2 m7c=33.9", // m7-O3
        ]),
        // per output value: window limits, division (average) or clamp, store
        MeasuredTerm("out", .requant, [
            "ld=16 ru=13 ldrd=1 ldm=1 ldmr=2 st=7 stm=1 stmr=2 mac=3 alu=14 sh=3 it=4 br=3 tk=3 fp=6 fld=3 fst=2", // m4-Os
            "ld=1 ru=2 st=1 alu=5 it=2 br=2 fp=6 fld=3 fst=1", // m4-O2
            "ld=1 ru=2 ldrd=2 st=1 strd=1 alu=5 it=1 br=3 fp=5 fld=1 fst=1", // m4-O3
            "ld=16 ru=15 ldrd=1 ldm=1 ldmr=2 st=7 stm=1 stmr=2 mac=3 alu=14 sh=3 it=4 br=3 tk=3 fp=6 fld=3 fst=2 m7c=61", // m7-Os
            "ld=1 ru=3 st=1 alu=5 it=1 br=2 fp=6 fld=3 fst=1 m7c=8.4", // m7-O2
            "ld=1 ru=2 ldrd=2 st=1 strd=1 alu=5 br=3 fp=5 fld=1 fst=1 m7c=9.7", // m7-O3
        ]),
        // per output value and window row
        MeasuredTerm("row", .overhead, [
            "ld=4 ru=3 alu=4 br=4 tk=3 fld=1", // m4-Os
            "alu=6 br=2", // m4-O2
            "ld=3 ru=3 alu=6 br=3 tk=1", // m4-O3
            "ld=4 ru=3 alu=4 br=4 tk=3 fld=1 m7c=18", // m7-Os
            "alu=6 br=2 m7c=17.2", // m7-O2
            "ld=3 ru=3 alu=6 br=3 tk=1 m7c=19.5", // m7-O3
        ]),
        // per output value and window tap: Offset() arithmetic, load, add or max
        MeasuredTerm("tap", .mac, [
            "ld=8 ru=8 ldrd=1 ldm=1 ldmr=2 st=2 strd=1 stm=1 stmr=2 mac=3 alu=6 sh=1 it=1 br=2 tk=3 fp=2 fld=2", // m4-Os
            "ru=1 alu=3 it=1 br=1 tk=1 fp=3 fld=1", // m4-O2
            "ru=1 alu=3 it=1 br=1 tk=1 fp=4 fld=1", // m4-O3
            "ld=8 ru=8 ldrd=1 ldm=1 ldmr=2 st=2 strd=1 stm=1 stmr=2 mac=3 alu=6 sh=1 it=1 br=2 tk=3 fp=2 fld=2 m7c=29", // m7-Os
            "ru=1 alu=3 it=1 br=1 tk=1 fp=3 fld=1 m7c=5.6", // m7-O2
            "ru=1 alu=3 it=1 br=1 tk=1 fp=4 fld=1 m7c=7.5", // m7-O3
        ]),
    ])

    // TFLM reference Add (float32, elementwise)
    // Instruction counts: decomposition exact (every measured run reproduced to the instruction).
    // M7 cycles (m7c): simulated per run, decomposed with the same terms; largest miss 0.0% of a run.
    static let referenceAddFloat = MeasuredKernel(function: "TFLM reference Add (float32, elementwise)", terms: [
        // tflite::reference_ops::Add (float): entry
        MeasuredTerm("call", .overhead, [
            "ld=7 ru=8 ldm=6 ldmr=16 st=3 stm=6 stmr=16 mac=3 alu=56 br=25 tk=22 fld=2", // m4-Os
            "ru=1 alu=1 sh=1 br=3 tk=2 fld=2", // m4-O2
            "ru=1 alu=1 sh=1 br=3 tk=2 fld=2", // m4-O3
            "ld=7 ru=8 ldm=6 ldmr=16 st=3 stm=6 stmr=16 mac=3 alu=56 br=25 tk=22 fld=2 m7c=123", // m7-Os
            "ru=2 alu=1 sh=1 br=3 tk=2 fld=2 m7c=10", // m7-O2
            "ru=2 alu=1 sh=1 br=3 tk=2 fld=2 m7c=10", // m7-O3
        ]),
        // per element: 2 VLDR, VADD, clamp, VSTR
        MeasuredTerm("elem", .mac, [
            "ru=1 alu=2 it=1 br=3 tk=2 fp=6 fld=2 fst=1", // m4-Os
            "ru=1 alu=1 it=1 br=2 tk=1 fp=6 fld=2 fst=1", // m4-O2
            "ru=1 alu=1 it=1 br=2 tk=1 fp=6 fld=2 fst=1", // m4-O3
            "ru=1 alu=2 br=3 tk=2 fp=6 fld=2 fst=1 m7c=13", // m7-Os
            "ru=1 alu=1 br=2 tk=1 fp=6 fld=2 fst=1 m7c=13", // m7-O2
            "ru=1 alu=1 br=2 tk=1 fp=6 fld=2 fst=1 m7c=13", // m7-O3
        ]),
    ])

    static let all: [MeasuredKernel] = [convolve1x1Fast, convolve1x1Strided, convolveIm2col, depthwise3x3, depthwiseOpt, depthwiseGeneric, fullyConnected, avgPool, maxPool, elementwiseAdd, elementwiseMul, softmax, convolveS16, depthwiseS16, fullyConnectedS16, avgPoolS16, maxPoolS16, elementwiseAddS16, softmaxS16, referenceConv, referenceDepthwise, referenceFullyConnected, referenceAvgPool, referenceMaxPool, referenceAdd, referenceSoftmax, referenceConvFloat, referenceDepthwiseFloat, referenceFullyConnectedFloat, referenceAvgPoolFloat, referenceMaxPoolFloat, referenceAddFloat]
}
