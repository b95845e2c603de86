/* stdin_echo: reads the runner's fixed stdin (stdin_echo.txt) with read(2) in odd-sized
 * pieces and with stdio, and reports counts and a checksum.
 * run-diff: stdin stdin_echo.txt
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <ctype.h>

int main(void)
{
	char buf[37];
	ssize_t n;
	size_t total = 0, lines = 0, words = 0;
	unsigned h = 5381;
	int inword = 0;
	char first[64] = {0};
	size_t nfirst = 0;
	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[i];
			h = h * 33 + c;
			lines += c == '\n';
			if (isspace(c)) inword = 0;
			else if (!inword) { inword = 1; words++; }
			if (nfirst < sizeof first - 1 && !lines)
				first[nfirst++] = (char)c;
		}
		total += (size_t)n;
	}
	printf("bytes %zu lines %zu words %zu djb2 %08x\nfirst line: %s\n", total, lines, words, h, first);
	printf("read at eof %zd\n", read(0, buf, 1));
	printf("lseek stdin back %ld\n", (long)lseek(0, 0, SEEK_SET));
	char line[256];
	int k = 0;
	while (fgets(line, sizeof line, stdin))
		if (k++ % 3 == 0)
			fputs(line, stdout);
	fprintf(stderr, "stderr: %d lines reread\n", k);
	return 0;
}
