/*
 * Drive an interactive program through a pseudo-terminal, like a tiny
 * expect(1), for the vmsh REPL tests (readline only behaves as it does with
 * people on a real terminal).
 *
 *   pty_driver SCRIPT -- COMMAND [ARGS...]
 *
 * SCRIPT has one directive per line; TEXT takes C escapes (\n \r \t \e \\
 * \xHH):
 *   send TEXT     write TEXT to the terminal
 *   expect TEXT   wait until the output, after the previous match, contains TEXT
 *   reject TEXT   the output so far (after the previous match) must not contain TEXT
 *   status N      wait for the program to end; its exit status must be N
 *   # ...         a comment
 * A wait longer than PTY_TIMEOUT seconds (default 60) is a failure (a hang
 * guard, not a speed test). On failure it prints the directive and the
 * output's tail, and exits 1.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    pid_t pid;
    char *out;
    size_t len, cap, pos;
    int eof;
    int status;
    int exited;
    double timeout;
} session;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static size_t unescape(const char *s, char *out)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            out[n++] = *s;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'e': out[n++] = 27; break;
        case 'x': {
            char hex[3] = {s[1], s[1] ? s[2] : 0, 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            s += 2;
            break;
        }
        default: out[n++] = *s; break;
        }
    }
    out[n] = 0;
    return n;
}

/* Read what is there within `wait` seconds; 0 on progress or timeout. */
static void pump(session *s, double wait)
{
    if (s->eof) return;
    struct pollfd p = {s->fd, POLLIN, 0};
    int r = poll(&p, 1, (int)(wait * 1000));
    if (r <= 0) return;
    if (s->len + 4096 > s->cap) {
        s->cap = (s->cap + 4096) * 2;
        s->out = realloc(s->out, s->cap);
        if (!s->out) exit(2);
    }
    ssize_t k = read(s->fd, s->out + s->len, 4096);
    if (k <= 0) s->eof = 1; /* EIO when the child is gone */
    else s->len += (size_t)k;
}

static void fail(session *s, const char *what, const char *arg)
{
    fprintf(stderr, "pty_driver: FAIL: %s '%s'\n--- output after the last match ---\n", what, arg);
    fwrite(s->out + s->pos, 1, s->len - s->pos, stderr);
    fprintf(stderr, "\n--- end ---\n");
    if (!s->exited) kill(s->pid, SIGKILL);
    exit(1);
}

static char *find(session *s, const char *pat, size_t n)
{
    if (s->len - s->pos < n) return NULL;
    return memmem(s->out + s->pos, s->len - s->pos, pat, n);
}

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--")) {
        fprintf(stderr, "usage: pty_driver SCRIPT -- COMMAND [ARGS...]\n");
        return 2;
    }
    FILE *script = fopen(argv[1], "r");
    if (!script) {
        perror(argv[1]);
        return 2;
    }
    session s = {0};
    s.timeout = getenv("PTY_TIMEOUT") ? atof(getenv("PTY_TIMEOUT")) : 60;
    struct winsize ws = {.ws_row = 40, .ws_col = 200};
    s.pid = forkpty(&s.fd, NULL, NULL, &ws);
    if (s.pid < 0) {
        perror("forkpty");
        return 77;
    }
    if (s.pid == 0) {
        setenv("TERM", "dumb", 0);
        execvp(argv[3], argv + 3);
        perror(argv[3]);
        _exit(127);
    }
    char line[4096], text[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, script)) {
        lineno++;
        line[strcspn(line, "\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *arg = strchr(line, ' ');
        arg = arg ? arg + 1 : line + strlen(line);
        size_t n = unescape(arg, text);
        if (!strncmp(line, "send ", 5)) {
            if (write(s.fd, text, n) != (ssize_t)n) fail(&s, "send", arg);
        } else if (!strncmp(line, "expect ", 7)) {
            double end = now() + s.timeout;
            char *m;
            while (!(m = find(&s, text, n))) {
                if (s.eof || now() > end) fail(&s, "expect", arg);
                pump(&s, 0.1);
            }
            s.pos = (size_t)(m - s.out) + n;
        } else if (!strncmp(line, "reject ", 7)) {
            pump(&s, 0.2);
            if (find(&s, text, n)) fail(&s, "reject", arg);
        } else if (!strncmp(line, "status ", 7)) {
            double end = now() + s.timeout;
            int st;
            for (;;) {
                pid_t w = waitpid(s.pid, &st, WNOHANG);
                if (w == s.pid) break;
                if (now() > end) fail(&s, "status (still running)", arg);
                pump(&s, 0.1);
            }
            s.exited = 1;
            int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            if (code != atoi(arg)) {
                snprintf(text, sizeof text, "%s (got %d)", arg, code);
                fail(&s, "status", text);
            }
        } else {
            fprintf(stderr, "pty_driver: %s:%d: unknown directive '%s'\n", argv[1], lineno, line);
            kill(s.pid, SIGKILL);
            return 2;
        }
    }
    if (!s.exited) {
        kill(s.pid, SIGKILL);
        waitpid(s.pid, NULL, 0);
    }
    free(s.out);
    fclose(script);
    printf("pty_driver: %s: all %d lines passed\n", argv[1], lineno);
    return 0;
}
