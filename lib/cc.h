/* Included first by every source file of the project. */
#ifndef CC_H
#define CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "cc_limits.h"
#include "banned.h"

#define CC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A macro's value as a string literal: "1-" CC_XSTR(MAX) " bytes". */
#define CC_STR(x)	#x
#define CC_XSTR(x)	CC_STR(x)

#endif
