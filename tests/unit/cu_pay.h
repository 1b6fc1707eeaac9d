/*
 * What the tests of lib/payuri.c and lib/qr.c share: the published
 * addresses that payment URIs and QR payloads are built from, and nul()
 * for printing a string that may be NULL.
 */
#ifndef CC_CU_PAY_H
#define CC_CU_PAY_H

/* Addresses from EIP-681, BIP21 and BIP173, and USDT on Ethereum/TRON. */
#define EIP681_NATIVE_TO	"0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359"
#define EIP681_TOKEN		"0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7"
#define EIP681_TOKEN_TO		"0x8e23ee67d1332ad560396262c48ffbb01f93d052"
#define USDT_ETH		"0xdAC17F958D2ee523a2206206994597C13D831ec7"
#define USDT_TRON		"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
#define BIP21_ADDR		"175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W"
#define BECH32_ADDR		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"

static inline const char *
nul(const char *s)
{
	return s != NULL ? s : "NULL";
}

#endif
