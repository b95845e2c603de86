/* fileio: file system calls in the scratch directory the runner gives each run —
 * open/read/write/lseek (incl. SEEK_END and holes), pread/pwrite, stat/fstat/lstat,
 * mkdir/rmdir, rename, unlink, symlink/readlink, getdents through opendir/readdir
 * (names are sorted before printing, as directory order is the file system's),
 * dup/dup2/fcntl, pipe, access, and errno for the usual failures. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) { printf("opendir %s: %s\n", dir, strerror(errno)); return; }
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
		names[n] = malloc(strlen(e->d_name) + 3);
		sprintf(names[n++], "%c %s", t, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	printf("ls %s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" [%s]", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(void)
{
	int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0640);
	printf("open %d\n", fd >= 3);
	const char *msg = "hello, file\nsecond line\n";
	printf("write %zd\n", write(fd, msg, strlen(msg)));
	printf("lseek cur %ld end %ld set %ld\n", (long)lseek(fd, 0, SEEK_CUR), (long)lseek(fd, 0, SEEK_END),
	       (long)lseek(fd, 7, SEEK_SET));
	char buf[256] = {0};
	printf("read %zd [%s]\n", read(fd, buf, 4), buf);
	printf("hole seek %ld write %zd\n", (long)lseek(fd, 100000, SEEK_SET), write(fd, "Z", 1));
	struct stat st;
	fstat(fd, &st);
	printf("fstat size %ld reg %d mode %o nlink %ld\n", (long)st.st_size, S_ISREG(st.st_mode),
	       st.st_mode & 0777, (long)st.st_nlink);
	memset(buf, 1, sizeof buf);
	printf("pread in hole %zd zero %d\n", pread(fd, buf, 10, 5000), buf[0] == 0 && buf[9] == 0);
	printf("pwrite %zd\n", pwrite(fd, "XY", 2, 1));
	lseek(fd, 0, SEEK_SET);
	memset(buf, 0, sizeof buf);
	read(fd, buf, 12);
	printf("after pwrite [%s] pos %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
	int fd2 = dup(fd);
	printf("dup shares offset %d\n", lseek(fd2, 0, SEEK_CUR) == 12);
	printf("dup2 %d cloexec %d\n", dup2(fd, 10), fcntl(fcntl(fd, F_DUPFD_CLOEXEC, 20), F_GETFD) & FD_CLOEXEC);
	close(fd2);
	close(10);
	printf("ftruncate %d\n", ftruncate(fd, 5));
	fstat(fd, &st);
	printf("size now %ld\n", (long)st.st_size);
	close(fd);
	printf("close again %d errno EBADF %d\n", close(fd), errno == EBADF);

	printf("mkdir %d %d\n", mkdir("sub", 0755), mkdir("sub/deeper", 0700));
	printf("mkdir exists %d EEXIST %d\n", mkdir("sub", 0755), errno == EEXIST);
	printf("rename %d\n", rename("a.txt", "sub/b.txt"));
	printf("symlink %d\n", symlink("sub/b.txt", "link"));
	char target[64] = {0};
	printf("readlink %zd %s\n", readlink("link", target, sizeof target - 1), target);
	lstat("link", &st);
	printf("lstat link %d, ", S_ISLNK(st.st_mode));
	stat("link", &st);
	printf("stat via link size %ld\n", (long)st.st_size);
	list(".");
	list("sub");
	FILE *f = fopen("sub/deeper/c.txt", "w");
	for (int i = 0; i < 1000; i++)
		fprintf(f, "line %d %x\n", i, i * i);
	fclose(f);
	f = fopen("sub/deeper/c.txt", "r");
	long sum = 0;
	char line[64];
	int lines = 0;
	while (fgets(line, sizeof line, f)) {
		sum += strtol(line + 5, NULL, 10);
		lines++;
	}
	printf("fgets lines %d sum %ld ftell %ld\n", lines, sum, ftell(f));
	fclose(f);
	printf("access R %d X %d missing %d ENOENT %d\n", access("sub/b.txt", R_OK), access("sub/b.txt", X_OK),
	       access("nope", F_OK), errno == ENOENT);
	printf("open missing %d ENOENT %d\n", open("nope/x", O_RDONLY), errno == ENOENT);
	printf("rmdir nonempty %d ENOTEMPTY %d\n", rmdir("sub"), errno == ENOTEMPTY);
	printf("unlink %d %d %d\n", unlink("sub/deeper/c.txt"), unlink("sub/b.txt"), unlink("link"));
	printf("rmdir %d %d\n", rmdir("sub/deeper"), rmdir("sub"));
	list(".");
	int p[2];
	printf("pipe %d\n", pipe(p));
	printf("pipe write %zd ", write(p[1], "through the pipe", 16));
	memset(buf, 0, sizeof buf);
	printf("read %zd [%s]\n", read(p[0], buf, sizeof buf), buf);
	close(p[1]);
	printf("eof %zd\n", read(p[0], buf, 1));
	close(p[0]);
	char cwd[4096];
	printf("getcwd ok %d\n", getcwd(cwd, sizeof cwd) != NULL && cwd[0] == '/');
	printf("isatty stdin %d\n", isatty(0));
	return 0;
}
