/* The default profile's rules: the same syscalls, conditions and errno
 * values as Docker's default profile (moby profiles/seccomp/default.json),
 * compared rule by rule with ../shared/reference/docker-default-seccomp.json
 * by tests/imagetool/seccomp_default.bats. The syscall names are facts about
 * the kernel ABI; the C shape is ours. */
#include "imagetool/config/seccomp_rules.h"

#define ALLOW "SCMP_ACT_ALLOW"
#define ERRNO "SCMP_ACT_ERRNO"
#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })
/* clone(2) flags that create namespaces (CLONE_NEWNS | NEWCGROUP | NEWUTS |
 * NEWIPC | NEWUSER | NEWPID | NEWNET): shut without CAP_SYS_ADMIN. */
#define CLONE_NAMESPACE_FLAGS 0x7E020000ULL
#define ENOSYS_NR 38

static const char *const base[] = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset", "chdir",
    "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
    "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
    "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve",
    "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
    "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
    "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
    "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue",
    "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
    "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
    "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
    "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname",
    "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat",
    "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
    "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
    "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32",
    "lgetxattr", "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier",
    "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
    "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl",
    "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
    "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe",
    "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64",
    "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
    "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
    "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat",
    "renameat2", "restart_syscall", "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
    "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
    "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
    "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
    "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
    "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid",
    "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
    "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32",
    "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd",
    "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
    "statfs64", "statmount", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee",
    "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64",
    "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
    "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink",
    "unlinkat", "uretprobe", "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4",
    "waitid", "waitpid", "write", "writev",
    NULL,
};

const struct seccomp_rule seccomp_rules[] = {
    { .names = base, .action = ALLOW },
    /* ptrace is only safe from 4.8 on (seccomp can be bypassed before) */
    { .names = LIST("process_vm_readv", "process_vm_writev", "ptrace"), .action = ALLOW, .min_major = 4,
      .min_minor = 8 },
    /* every address family but AF_ALG (38) and AF_VSOCK (40) */
    { .names = LIST("socket"), .action = ALLOW, .arg = { 0, 38, "SCMP_CMP_LT" } },
    { .names = LIST("socket"), .action = ALLOW, .arg = { 0, 39, "SCMP_CMP_EQ" } },
    { .names = LIST("socket"), .action = ALLOW, .arg = { 0, 40, "SCMP_CMP_GT" } },
    /* personality(2): PER_LINUX, UNAME26, PER_LINUX32, UNAME26|PER_LINUX32, query */
    { .names = LIST("personality"), .action = ALLOW, .arg = { 0, 0x0, "SCMP_CMP_EQ" } },
    { .names = LIST("personality"), .action = ALLOW, .arg = { 0, 0x8, "SCMP_CMP_EQ" } },
    { .names = LIST("personality"), .action = ALLOW, .arg = { 0, 0x20000, "SCMP_CMP_EQ" } },
    { .names = LIST("personality"), .action = ALLOW, .arg = { 0, 0x20008, "SCMP_CMP_EQ" } },
    { .names = LIST("personality"), .action = ALLOW, .arg = { 0, 0xffffffff, "SCMP_CMP_EQ" } },
    /* architecture-specific calls */
    { .names = LIST("sync_file_range2", "swapcontext"), .action = ALLOW, .arches = LIST("ppc64le") },
    { .names = LIST("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush",
                    "set_tls"),
      .action = ALLOW, .arches = LIST("arm", "arm64") },
    { .names = LIST("arch_prctl"), .action = ALLOW, .arches = LIST("amd64", "x32") },
    { .names = LIST("modify_ldt"), .action = ALLOW, .arches = LIST("amd64", "x32", "x86") },
    { .names = LIST("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"), .action = ALLOW,
      .arches = LIST("s390", "s390x") },
    { .names = LIST("riscv_flush_icache"), .action = ALLOW, .arches = LIST("riscv64") },
    /* opened by a capability */
    { .names = LIST("open_by_handle_at"), .action = ALLOW, .caps = LIST("CAP_DAC_READ_SEARCH") },
    { .names = LIST("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                    "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "mount",
                    "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
                    "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare"),
      .action = ALLOW, .caps = LIST("CAP_SYS_ADMIN") },
    /* without CAP_SYS_ADMIN: clone without namespace flags (s390 swaps the
     * first two arguments), and clone3, whose flags seccomp cannot see,
     * fails with ENOSYS so that libc falls back to clone */
    { .names = LIST("clone"), .action = ALLOW, .arg = { 0, CLONE_NAMESPACE_FLAGS, "SCMP_CMP_MASKED_EQ" },
      .not_caps = LIST("CAP_SYS_ADMIN"), .not_arches = LIST("s390", "s390x") },
    { .names = LIST("clone"), .action = ALLOW, .arg = { 1, CLONE_NAMESPACE_FLAGS, "SCMP_CMP_MASKED_EQ" },
      .arches = LIST("s390", "s390x"), .not_caps = LIST("CAP_SYS_ADMIN") },
    { .names = LIST("clone3"), .action = ERRNO, .errno_ret = ENOSYS_NR, .not_caps = LIST("CAP_SYS_ADMIN") },
    { .names = LIST("reboot"), .action = ALLOW, .caps = LIST("CAP_SYS_BOOT") },
    { .names = LIST("chroot"), .action = ALLOW, .caps = LIST("CAP_SYS_CHROOT") },
    { .names = LIST("delete_module", "init_module", "finit_module"), .action = ALLOW, .caps = LIST("CAP_SYS_MODULE") },
    { .names = LIST("acct"), .action = ALLOW, .caps = LIST("CAP_SYS_PACCT") },
    { .names = LIST("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"),
      .action = ALLOW, .caps = LIST("CAP_SYS_PTRACE") },
    { .names = LIST("iopl", "ioperm"), .action = ALLOW, .caps = LIST("CAP_SYS_RAWIO") },
    { .names = LIST("settimeofday", "stime", "clock_settime", "clock_settime64"), .action = ALLOW,
      .caps = LIST("CAP_SYS_TIME") },
    { .names = LIST("vhangup"), .action = ALLOW, .caps = LIST("CAP_SYS_TTY_CONFIG") },
    { .names = LIST("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"), .action = ALLOW,
      .caps = LIST("CAP_SYS_NICE") },
    { .names = LIST("syslog"), .action = ALLOW, .caps = LIST("CAP_SYSLOG") },
    { .names = LIST("bpf"), .action = ALLOW, .caps = LIST("CAP_BPF") },
    { .names = LIST("perf_event_open"), .action = ALLOW, .caps = LIST("CAP_PERFMON") },
};

const size_t seccomp_n_rules = sizeof(seccomp_rules) / sizeof(seccomp_rules[0]);
