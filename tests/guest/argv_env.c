/* argv_env: the initial process state — argc/argv (argv[0] is a path that differs
 * between installs, so only its presence is checked), the environment the runner
 * sets with env -i, getenv/setenv/unsetenv, and the auxiliary vector's fixed entries.
 * The environment is printed sorted: qemu-user hands it to the guest in reverse order
 * (its envlist is built by inserting at the head), Linux in the caller's order, and
 * neither order is something a program may rely on.
 * run-diff: args one "two words" '' --flag=x 12345
 * run-diff: env GREETING=hello EMPTY= MULTI=a=b=c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
	printf("argc %d argv0 set %d argv[argc] NULL %d\n", argc, argv[0] && argv[0][0], argv[argc] == NULL);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = [%s] len %zu\n", i, argv[i], strlen(argv[i]));
	int n = 0;
	while (environ[n])
		n++;
	char **sorted = malloc(sizeof(char *) * (size_t)n);
	memcpy(sorted, environ, sizeof(char *) * (size_t)n);
	qsort(sorted, (size_t)n, sizeof(char *), cmp);
	for (int i = 0; i < n; i++)
		printf("env [%s]\n", sorted[i]);
	free(sorted);
	printf("envc %d\n", n);
	printf("getenv GREETING=%s EMPTY=[%s] MISSING=%p MULTI=%s\n", getenv("GREETING"), getenv("EMPTY"),
	       (void *)getenv("MISSING"), getenv("MULTI"));
	setenv("NEWVAR", "new", 1);
	unsetenv("GREETING");
	printf("after setenv %s, unset %d\n", getenv("NEWVAR"), getenv("GREETING") == NULL);
	printf("auxv pagesz %lu phent %lu entry set %d phdr set %d random set %d execfn set %d\n",
	       getauxval(AT_PAGESZ), getauxval(AT_PHENT), getauxval(AT_ENTRY) != 0, getauxval(AT_PHDR) != 0,
	       getauxval(AT_RANDOM) != 0, getauxval(AT_EXECFN) != 0);
	printf("auxv uid==getuid %d gid==getgid %d secure %lu\n", getauxval(AT_UID) == getuid(),
	       getauxval(AT_GID) == getgid(), getauxval(AT_SECURE));
	return 0;
}
