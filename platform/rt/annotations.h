/*
 * Clang thread-safety annotations.
 *
 * clang -Wthread-safety reads these attributes and checks, at compile time,
 * that a function declared REQUIRES(mu) is only called with mu held and that
 * a function declared EXCLUDES(mu) is never called with mu held. Other
 * compilers see empty macros.
 *
 * In C, GUARDED_BY on struct members produces false positives, so this
 * project annotates functions only and writes the lock protocol as a comment
 * above the fields a lock guards.
 */
#ifndef RT_ANNOTATIONS_H
#define RT_ANNOTATIONS_H

#if defined(__clang__)
#define RT_THREAD_ATTR(x) __attribute__((x))
#else
#define RT_THREAD_ATTR(x)
#endif

#define CAPABILITY(name) RT_THREAD_ATTR(capability(name))
#define ACQUIRE(...) RT_THREAD_ATTR(acquire_capability(__VA_ARGS__))
#define RELEASE(...) RT_THREAD_ATTR(release_capability(__VA_ARGS__))
#define REQUIRES(...) RT_THREAD_ATTR(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) RT_THREAD_ATTR(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) RT_THREAD_ATTR(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS RT_THREAD_ATTR(no_thread_safety_analysis)

#endif
