/* A seccomp profile equal in effect to Docker's default: every syscall not
 * listed fails with EPERM; ordinary syscalls are allowed; the privileged
 * ones are allowed only to a container whose capability set holds the
 * capability that guards them, so --cap-add opens them as in Docker.
 * The syscall lists are facts about the kernel ABI; the shape is ours. */
#include "imagetool/seccomp_default.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"

#define ACT_ALLOW "SCMP_ACT_ALLOW"
#define ACT_ERRNO "SCMP_ACT_ERRNO"

static const char *const base_allow[] = {
    "_llseek", "_newselect", "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk",
    "capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
    "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
    "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
    "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
    "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
    "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
    "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
    "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
    "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
    "futex", "futex_time64", "futimesat", "get_robust_list", "get_thread_area", "getcpu", "getcwd",
    "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
    "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid",
    "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
    "getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday",
    "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
    "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents", "io_setup", "io_submit", "ioctl",
    "ioprio_get", "ioprio_set", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
    "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
    "listxattr", "llistxattr", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
    "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
    "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify",
    "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
    "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall",
    "munmap", "nanosleep", "newfstatat", "open", "openat", "openat2", "pause", "pidfd_open",
    "pidfd_send_signal", "pipe", "pipe2", "pivot_root", "pkey_alloc", "pkey_free", "pkey_mprotect",
    "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
    "process_mrelease", "process_vm_readv", "process_vm_writev", "pselect6", "pselect6_time64",
    "ptrace", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readdir", "readlink",
    "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
    "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall",
    "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
    "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo", "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity",
    "sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
    "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
    "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
    "sendto", "set_robust_list", "set_thread_area", "set_tid_address", "setfsgid", "setfsgid32",
    "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
    "setns", "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
    "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt",
    "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaction",
    "sigaltstack", "signal", "signalfd", "signalfd4", "sigpending", "sigprocmask", "sigreturn",
    "sigsuspend", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs", "statfs64",
    "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "syscall", "sysinfo",
    "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timerfd", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
    "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat",
    "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "wait4", "waitid", "waitpid",
    "write", "writev",
    NULL,
};

/* Syscalls opened by one capability. */
static const struct cap_group {
    const char *cap;
    const char *const names[26];
} cap_groups[] = {
    { "CAP_SYS_ADMIN", { "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                         "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at", "open_tree",
                         "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns",
                         "syslog", "umount", "umount2", "unshare", NULL } },
    { "CAP_DAC_READ_SEARCH", { "open_by_handle_at", NULL } },
    { "CAP_SYS_BOOT", { "reboot", NULL } },
    { "CAP_SYS_CHROOT", { "chroot", NULL } },
    { "CAP_SYS_MODULE", { "delete_module", "init_module", "finit_module", NULL } },
    { "CAP_SYS_PACCT", { "acct", NULL } },
    { "CAP_SYS_PTRACE", { "kcmp", "pidfd_getfd", "process_madvise", NULL } },
    { "CAP_SYS_RAWIO", { "iopl", "ioperm", NULL } },
    { "CAP_SYS_TIME", { "settimeofday", "stime", "clock_settime", "clock_settime64", NULL } },
    { "CAP_SYS_TTY_CONFIG", { "vhangup", NULL } },
    { "CAP_SYS_NICE", { "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node", NULL } },
    { "CAP_SYSLOG", { "syslog", NULL } },
    { "CAP_BPF", { "bpf", NULL } },
    { "CAP_PERFMON", { "perf_event_open", NULL } },
};

/* personality(2) values a container may set: the usual Linux personalities. */
static const uint64_t personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* clone(2) flags that create namespaces; without CAP_SYS_ADMIN they stay shut. */
#define CLONE_NAMESPACE_FLAGS 0x7E020000ULL

static bool has_cap(char *const *caps, const char *cap)
{
    for (; caps && *caps; caps++)
        if (strcmp(*caps, cap) == 0)
            return true;
    return false;
}

static struct spec_seccomp_syscall *add_rule(struct spec_seccomp *s, const char *const *names, const char *action)
{
    s->syscalls = xrealloc(s->syscalls, (s->n_syscalls + 1) * sizeof(*s->syscalls));
    struct spec_seccomp_syscall *r = &s->syscalls[s->n_syscalls++];
    *r = (struct spec_seccomp_syscall){ .names = strv_copy(names), .action = xstrdup(action) };
    return r;
}

static void add_arg(struct spec_seccomp_syscall *r, uint32_t index, const char *op, uint64_t value, uint64_t two)
{
    r->args = xrealloc(r->args, (r->n_args + 1) * sizeof(*r->args));
    r->args[r->n_args++] = (struct spec_seccomp_arg){ index, value, two, xstrdup(op) };
}

static void add_arch(struct spec_seccomp *s)
{
#if defined(__x86_64__)
    s->architectures = strv_copy((const char *const[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL });
    add_rule(s, (const char *const[]){ "arch_prctl", "modify_ldt", NULL }, ACT_ALLOW);
#elif defined(__aarch64__)
    s->architectures = strv_copy((const char *const[]){ "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL });
    add_rule(s, (const char *const[]){ "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
                                       "breakpoint", "cacheflush", "set_tls", NULL },
             ACT_ALLOW);
#endif
}

static void add_cap_groups(struct spec_seccomp *s, char *const *caps)
{
    for (size_t i = 0; i < sizeof(cap_groups) / sizeof(cap_groups[0]); i++)
        if (has_cap(caps, cap_groups[i].cap))
            add_rule(s, cap_groups[i].names, ACT_ALLOW);
}

static void add_clone_rules(struct spec_seccomp *s, char *const *caps)
{
    if (has_cap(caps, "CAP_SYS_ADMIN"))
        return; /* the CAP_SYS_ADMIN group allows both outright */
    struct spec_seccomp_syscall *r = add_rule(s, (const char *const[]){ "clone", NULL }, ACT_ALLOW);
    add_arg(r, 0, "SCMP_CMP_MASKED_EQ", CLONE_NAMESPACE_FLAGS, 0);
    /* ENOSYS, not EPERM, so that libc falls back to clone(2), which the rule above checks. */
    r = add_rule(s, (const char *const[]){ "clone3", NULL }, ACT_ERRNO);
    r->has_errno_ret = true;
    r->errno_ret = ENOSYS;
}

struct spec_seccomp *seccomp_default_profile(char *const *caps)
{
    struct spec_seccomp *s = xcalloc(1, sizeof(*s));
    s->default_action = xstrdup(ACT_ERRNO);
    s->has_default_errno_ret = true;
    s->default_errno_ret = EPERM;
    add_arch(s);
    add_rule(s, base_allow, ACT_ALLOW);
    for (size_t i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++)
        add_arg(add_rule(s, (const char *const[]){ "personality", NULL }, ACT_ALLOW), 0, "SCMP_CMP_EQ",
                personalities[i], 0);
    add_clone_rules(s, caps);
    add_cap_groups(s, caps);
    return s;
}
