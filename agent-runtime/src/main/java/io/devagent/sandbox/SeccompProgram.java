package io.devagent.sandbox;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The seccomp filter of a sandboxed shell, assembled as a classic BPF program: the system calls that
 * would leave the sandbox are refused with an error (never a kill, so programs see a plain failure),
 * and sockets are refused by family and type according to the network the policy allows.
 */
public final class SeccompProgram {

    /** What sockets a command may open. */
    public enum Sockets {
        /** Network off: no socket at all (only socketpair, which reaches nothing). */
        NONE,
        /** Through the egress proxy: TCP streams (Landlock allows only the proxy's port) and Unix sockets. */
        TCP_AND_UNIX,
        /** Network on with no host list: any socket. */
        ANY
    }

    private static final int LD_W_ABS = 0x20, JEQ = 0x15, JGE = 0x35, JSET = 0x45, AND = 0x54, RET = 0x06;
    private static final int RET_KILL_PROCESS = 0x80000000, RET_ERRNO = 0x00050000, RET_ALLOW = 0x7fff0000;
    private static final int EPERM = 1, EACCES = 13, ENOSYS = 38;
    private static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, IPPROTO_TCP = 6;
    private static final int NAMESPACE_FLAGS = 0x7E020080; // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME
    private static final int NR = 0, ARCH = 4, ARG0 = 16, ARG1 = 24, ARG2 = 32;

    private final List<int[]> code = new ArrayList<>();

    private SeccompProgram() {
    }

    /** The program for this machine's architecture. */
    static List<int[]> build(Syscalls.Table t, Sockets sockets) {
        SeccompProgram p = new SeccompProgram();
        p.op(LD_W_ABS, 0, 0, ARCH);
        p.op(JEQ, 1, 0, t.auditArch());
        p.op(RET, 0, 0, RET_KILL_PROCESS); // another ABI's numbers would mean other calls
        p.op(LD_W_ABS, 0, 0, NR);
        if (t == Syscalls.X86_64) {
            p.op(JGE, 0, 1, 0x40000000); // the x32 ABI
            p.op(RET, 0, 0, RET_ERRNO | EPERM);
        }
        for (long nr : new long[] {t.ptrace(), t.processVmReadv(), t.processVmWritev(), t.unshare(), t.setns(), t.mount(),
                t.umount2(), t.pivotRoot(), t.keyctl(), t.addKey(), t.requestKey(), t.bpf(), t.perfEventOpen(), t.userfaultfd(),
                t.openByHandleAt(), t.kexecLoad(), t.initModule(), t.finitModule(), Syscalls.IO_URING_SETUP,
                Syscalls.IO_URING_ENTER, Syscalls.IO_URING_REGISTER}) {
            p.refuse(nr, EPERM);
        }
        // clone3 passes its flags in memory, out of a filter's reach: C libraries fall back to clone on ENOSYS.
        p.refuse(Syscalls.CLONE3, ENOSYS);
        p.op(JEQ, 0, 3, (int) t.cloneNr());
        p.op(LD_W_ABS, 0, 0, ARG0);
        p.op(JSET, 0, 1, NAMESPACE_FLAGS);
        p.op(RET, 0, 0, RET_ERRNO | EPERM);
        // (the accumulator may now hold clone's flags rather than the number: only the socket check follows, which reloads)
        if (sockets != Sockets.ANY) {
            List<int[]> check = new ArrayList<>();
            SeccompProgram s = new SeccompProgram();
            s.op(LD_W_ABS, 0, 0, ARG0);
            if (sockets == Sockets.TCP_AND_UNIX) {
                s.op(JEQ, 0, 1, AF_UNIX);
                s.op(RET, 0, 0, RET_ALLOW);
                s.op(JEQ, 1, 0, AF_INET);
                s.op(JEQ, 0, 7, AF_INET6);
                s.op(LD_W_ABS, 0, 0, ARG1);
                s.op(AND, 0, 0, 0xf); // without SOCK_NONBLOCK and SOCK_CLOEXEC
                s.op(JEQ, 0, 4, SOCK_STREAM);
                s.op(LD_W_ABS, 0, 0, ARG2);
                s.op(JEQ, 1, 0, 0);
                s.op(JEQ, 0, 1, IPPROTO_TCP);
                s.op(RET, 0, 0, RET_ALLOW);
            }
            s.op(RET, 0, 0, RET_ERRNO | EACCES);
            check.addAll(s.code);
            p.op(LD_W_ABS, 0, 0, NR);
            p.op(JEQ, 0, check.size(), (int) t.socket());
            p.code.addAll(check);
        }
        p.op(RET, 0, 0, RET_ALLOW);
        return p.code;
    }

    private void refuse(long nr, int errno) {
        op(JEQ, 0, 1, (int) nr);
        op(RET, 0, 0, RET_ERRNO | errno);
    }

    private void op(int opcode, int jt, int jf, int k) {
        code.add(new int[] {opcode, jt, jf, k});
    }

    /** The program as a {@code struct sock_fprog} in {@code arena}, ready for {@code PR_SET_SECCOMP}. */
    static MemorySegment encode(List<int[]> program, Arena arena) {
        MemorySegment filter = arena.allocate(8L * program.size(), 8);
        for (int i = 0; i < program.size(); i++) {
            int[] op = program.get(i);
            long base = 8L * i;
            filter.set(ValueLayout.JAVA_SHORT, base, (short) op[0]);
            filter.set(ValueLayout.JAVA_BYTE, base + 2, (byte) op[1]);
            filter.set(ValueLayout.JAVA_BYTE, base + 3, (byte) op[2]);
            filter.set(ValueLayout.JAVA_INT, base + 4, op[3]);
        }
        MemorySegment fprog = arena.allocate(16, 8);
        fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.size());
        fprog.set(ValueLayout.ADDRESS, 8, filter);
        return fprog;
    }
}
