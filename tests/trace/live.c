/* The guest of tests/trace/run-live: waits for one byte on stdin (so that
 * vmtrace live can attach first), then makes N (argv[1], default 1000)
 * getppid system calls, one write and exits with status 3. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char c;
    if (read(0, &c, 1) != 1) return 1;
    long s = 0, n = argc > 1 ? atol(argv[1]) : 1000;
    for (long i = 0; i < n; i++) s += getppid();
    static const char msg[] = "live done\n";
    write(1, msg, sizeof msg - 1);
    return s == -1 ? 4 : 3;
}
