/*
 * Tests for the submission policy (checker/policy.c): small C files are
 * compiled into objects, as a submission's raft/ files would be, and the
 * policy must pass the harmless ones and name each breach in the others.
 * A stand-in for the project's API (platform/) and for its harness are
 * compiled the same way; the C library is the real one.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "files.h"
#include "policy.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"

static char dir[] = "/tmp/rrl-policy-test.XXXXXX";

/* dir/name.o compiled from source; its path (malloc'd). */
static char *object(const char *name, const char *source)
{
	char *c = ck_strdup_printf("%s/%s.c", dir, name);
	char *o = ck_strdup_printf("%s/%s.o", dir, name);
	FILE *f = fopen(c, "w");
	fputs(source, f);
	fclose(f);
	char *cmd = ck_strdup_printf("gcc -std=c11 -D_GNU_SOURCE -O1 -c '%s' -o '%s'", c, o);
	if (system(cmd) != 0) /* then the policy says it cannot read the object */
		fprintf(stderr, "\n  test_policy: %s failed\n", cmd);
	free(cmd);
	free(c);
	return o;
}

static char *api_object, *harness_object;

static int setup(void)
{
	if (mkdtemp(dir) == NULL)
		return -1;
	api_object = object("trusted_api", "void rt_sleep_ms_at(long ms, const char *f, int l) {}\n"
				   "int codec_get_int(void *r) { return 0; }\n");
	harness_object = object("trusted_harness", "int cfg_one(int cmd) { return cmd; }\n"
					   "int main(void) { return 0; }\n");
	return 0;
}

static int teardown(void)
{
	free(api_object);
	free(harness_object);
	char *cmd = ck_strdup_printf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* The policy's verdict on the given submission objects (NULL: allowed). */
static char *verdict(char **objects, size_t n)
{
	char *trusted[] = {api_object, harness_object};
	char *libraries[] = {LIBC};
	ck_policy_input in = {.submission = objects,
			      .nsubmission = n,
			      .api = trusted,
			      .napi = 1,
			      .trusted = trusted,
			      .ntrusted = 2,
			      .libraries = libraries,
			      .nlibraries = 1,
			      .calls_file = "checker/submission-calls.txt",
			      .objdump = "objdump"};
	return ck_policy_check(&in);
}

/* The verdict on one file of source, named raft/<name>.c in it. */
static char *verdict_on(const char *name, const char *source)
{
	char *o = object(name, source);
	char *v = verdict(&o, 1);
	unlink(o);
	free(o);
	return v;
}

static void test_harmless_code_passes(void)
{
	char *objs[2];
	objs[0] = object("election",
			 "#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n"
			 "#include <assert.h>\n"
			 "void rt_sleep_ms_at(long, const char *, int);\n"
			 "int helper(int);\n"
			 "int ticker(char *buf, const char *s) {\n"
			 "  assert(s != NULL);\n"
			 "  memcpy(buf, s, strlen(s) + 1);\n"
			 "  fprintf(stderr, \"peer %d: %s\\n\", helper(1), buf);\n"
			 "  char *p = malloc(10); free(p);\n"
			 "  rt_sleep_ms_at(10, __FILE__, __LINE__);\n"
			 "  return 0; }\n");
	objs[1] = object("role", "int helper(int x) { return x + 1; }\n");
	char *v = verdict(objs, 2);
	if (v != NULL)
		fprintf(stderr, "\n%s", v);
	CU_ASSERT_PTR_NULL(v);
	free(v);
	free(objs[0]);
	free(objs[1]);
}

/* The verdict names the file and the breach (all of needles). */
static void assert_breach(const char *name, const char *source, const char *needle1,
			  const char *needle2)
{
	char *v = verdict_on(name, source);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	char *file = ck_strdup_printf("raft/%s.c", name);
	CU_ASSERT_PTR_NOT_NULL(strstr(v, file));
	CU_ASSERT_PTR_NOT_NULL(strstr(v, needle1));
	if (needle2 != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(v, needle2));
	if (strstr(v, needle1) == NULL || (needle2 && strstr(v, needle2) == NULL))
		fprintf(stderr, "\n  verdict: %s", v);
	free(file);
	free(v);
}

static void test_ending_the_process(void)
{
	assert_breach("early", "#include <stdlib.h>\nvoid start(void) { exit(0); }\n",
		      "calls exit()", "return from the function instead");
	assert_breach("early2", "#include <unistd.h>\nvoid start(void) { _exit(0); }\n",
		      "calls _exit()", NULL);
}

static void test_taking_library_names(void)
{
	assert_breach("locks", "int pthread_mutex_lock(void *m) { return 0; }\n",
		      "defines pthread_mutex_lock", "the C library owns");
	assert_breach("tsan", "void __tsan_read4(void *p) {}\n", "defines __tsan_read4",
		      "reserved");
	assert_breach("takes_names", "int cfg_one(int c) { return 1; }\n", "defines cfg_one",
		      "harness owns");
	assert_breach("main", "int main(void) { return 0; }\n", "defines main", NULL);
}

static void test_code_before_main(void)
{
	assert_breach("ctor",
		      "#include <stdio.h>\n"
		      "__attribute__((constructor)) static void early(void) { puts(\"x\"); }\n",
		      "runs code before main", ".init_array");
}

static void test_system_call_instruction(void)
{
	assert_breach("asm",
		      "long raw(long n) { long r; __asm__ volatile(\"syscall\" : \"=a\"(r) : "
		      "\"a\"(n) : \"rcx\", \"r11\", \"memory\"); return r; }\n",
		      "makes a system call itself (syscall)", NULL);
}

static void test_files_network_environment_sleep_threads(void)
{
	assert_breach("files", "#include <stdio.h>\nvoid w(void) { fopen(\"/tmp/x\", \"w\"); }\n",
		      "calls fopen()", "neither the project's API");
	assert_breach("net",
		      "#include <sys/socket.h>\nint c(void) { return socket(AF_INET, "
		      "SOCK_STREAM, 0); }\n",
		      "calls socket()", NULL);
	assert_breach("env",
		      "#include <stdlib.h>\nvoid e(void) { setenv(\"TSAN_OPTIONS\", \"\", 1); }\n",
		      "calls setenv()", NULL);
	assert_breach("nap", "#include <unistd.h>\nvoid n(void) { usleep(1000); }\n",
		      "calls usleep()", "rt_sleep_ms");
	assert_breach("thr",
		      "#include <pthread.h>\nvoid *f(void *a) { return a; }\n"
		      "void t(void) { pthread_t x; pthread_create(&x, 0, f, 0); }\n",
		      "calls pthread_create()", "rt_*");
}

static void test_unreadable_input_is_a_breach(void)
{
	char *missing = ck_strdup_printf("%s/missing.o", dir);
	char *v = verdict(&missing, 1);
	CU_ASSERT_PTR_NOT_NULL(v);
	CU_ASSERT_PTR_NOT_NULL(v ? strstr(v, "cannot read") : NULL);
	free(v);
	free(missing);
}

void add_policy_suite(void)
{
	CU_pSuite s = CU_add_suite("submission policy", setup, teardown);
	CU_add_test(s, "harmless code passes", test_harmless_code_passes);
	CU_add_test(s, "ending the process is refused", test_ending_the_process);
	CU_add_test(s, "taking the library's or harness's names", test_taking_library_names);
	CU_add_test(s, "code before main", test_code_before_main);
	CU_add_test(s, "a system call instruction", test_system_call_instruction);
	CU_add_test(s, "files, network, environment, sleep, threads",
		    test_files_network_environment_sleep_threads);
	CU_add_test(s, "an input it cannot read", test_unreadable_input_is_a_breach);
}
