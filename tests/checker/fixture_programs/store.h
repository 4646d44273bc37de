/* A helper outside the peer's code (like a codec or a library call). */
#ifndef FIXTURE_STORE_H
#define FIXTURE_STORE_H

void add_long(long *dst, long amount);

#endif
