/*
 * Cleaning text for the outputs (see clean_text.h): a small UTF-8
 * decoder that replaces what the target format cannot carry.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "clean_text.h"

/* A strict decoder (no overlong forms, no surrogates, nothing past
 * U+10FFFF) is what jansson and libxml2 accept; returns the length of the
 * sequence at s, or 0 if it is not valid UTF-8. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t min;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

/* Each mode keeps what its format can carry, nothing more. */
static bool keep(uint32_t cp, ck_text_mode mode)
{
	if (mode == CK_TEXT_JSON)
		return true;
	if (cp == 0xFFFE || cp == 0xFFFF)
		return false; /* not XML characters */
	if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0))
		return true;
	return mode == CK_TEXT_XML && (cp == '\t' || cp == '\n' || cp == '\r');
}

/* Replacing (not dropping) a bad byte shows the reader that
 * something was there. */
char *ck_clean_text(const char *s, ck_text_mode mode)
{
	if (s == NULL)
		return NULL;
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	size_t n = strlen(s);
	char *out = ck_malloc(3 * n + 1); /* each byte becomes at most 3 */
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p != '\0') {
		uint32_t cp;
		size_t len = decode(p, &cp);
		if (len > 0 && keep(cp, mode)) {
			memcpy(out + o, p, len);
			o += len;
		} else if (len > 0 && mode == CK_TEXT_LINE &&
			   (cp == '\t' || cp == '\n' || cp == '\r')) {
			out[o++] = ' ';
		} else {
			memcpy(out + o, replacement, 3);
			o += 3;
		}
		p += len > 0 ? len : 1;
	}
	out[o] = '\0';
	return out;
}
