/*
 * Characters that can disguise what a text shows: the Unicode bidi
 * controls (an override turns "Total 0001$" into "Total $1000"), and
 * invisible format characters (zero-width spaces and joiners, word
 * joiner, BOM, soft hyphen, fillers, tags), which make two texts that
 * look the same differ, or hide a character inside a number. Free text a
 * merchant sends (titles, descriptions, item names, reasons, the
 * merchant's name) is refused with them; see README's "Errors and
 * unusual input" for why refusing, not removing. Pure: unit-tested.
 */
#ifndef CC_TEXTSAFE_H
#define CC_TEXTSAFE_H

#include "cc.h"

/*
 * The first such character of s (n bytes of valid UTF-8): returns true
 * with its code point in *cp and its byte offset in *off, or false when
 * there is none. U+200C and U+200D (zero-width non-joiner and joiner)
 * are allowed between two non-ASCII characters that are not themselves
 * refused: Persian, Indic scripts and emoji sequences need them there,
 * and no digit of an amount can be on either side.
 */
bool	 textsafe_find(const char *s, size_t n, uint32_t *cp, size_t *off);

/*
 * A copy of s (NUL-terminated, valid UTF-8) with every character
 * textsafe_find would report replaced by U+FFFD, for text stored before
 * the rule (the payment page shows it so). The caller frees it.
 */
char	*textsafe_neutralise(const char *s);

/* A short name of a refused code point ("RIGHT-TO-LEFT OVERRIDE"). */
const char *textsafe_name(uint32_t cp);

#endif
