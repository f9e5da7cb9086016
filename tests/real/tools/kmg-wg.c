// SPDX-License-Identifier: GPL-2.0
/*
 * kmg-wg: what tests/real needs of wg(8) (busybox has none), through
 * WireGuard's generic netlink family, as wg does it.
 *
 *   kmg-wg set IFACE PRIVATE-HEX PORT
 *	the private key (64 hex digits) and the UDP port to listen on
 *   kmg-wg pubkey IFACE
 *	prints the public key the kernel derived from it (64 hex digits)
 *   kmg-wg peer IFACE PUBLIC-HEX PORT ADDR
 *	a peer at 127.0.0.1:PORT, allowed ADDR/32
 *   kmg-wg show IFACE
 *	prints "peers N handshakes H rx BYTES tx BYTES" (H: peers that
 *	completed a handshake)
 */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/wireguard.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY_LEN 32

static char req[4096];
static char resp[65536];
static int nl;
static unsigned int seq;

static struct nlmsghdr *msg_start(uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *n = (struct nlmsghdr *)req;
	struct genlmsghdr *g;

	memset(req, 0, sizeof(req));
	n->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	n->nlmsg_type = type;
	n->nlmsg_flags = NLM_F_REQUEST | flags;
	n->nlmsg_seq = ++seq;
	g = NLMSG_DATA(n);
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : WG_GENL_VERSION;
	return n;
}

static struct nlattr *put(struct nlmsghdr *n, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a = (struct nlattr *)(req + NLMSG_ALIGN(n->nlmsg_len));

	if (NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(req)) {
		fprintf(stderr, "kmg-wg: message too long\n");
		exit(1);
	}
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static struct nlattr *nest(struct nlmsghdr *n, uint16_t type)
{
	return put(n, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct nlmsghdr *n, struct nlattr *a)
{
	a->nla_len = (char *)n + n->nlmsg_len - (char *)a;
}

static void send_msg(struct nlmsghdr *n)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	if (sendto(nl, n, n->nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("kmg-wg: sendto");
		exit(1);
	}
}

/*
 * Read replies until the request's ACK or the end of its dump, calling
 * @fn on each message of the dump (attributes after the genetlink
 * header). Exits on an error reply.
 */
static void recv_replies(void (*fn)(struct nlattr *a, int len, void *arg), void *arg)
{
	for (;;) {
		int len = recv(nl, resp, sizeof(resp), 0);
		struct nlmsghdr *n;

		if (len < 0) {
			perror("kmg-wg: recv");
			exit(1);
		}
		for (n = (struct nlmsghdr *)resp; NLMSG_OK(n, len); n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == NLMSG_DONE)
				return;
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				if (!e->error)
					return;
				fprintf(stderr, "kmg-wg: %s\n", strerror(-e->error));
				exit(1);
			}
			if (fn)
				fn((struct nlattr *)((char *)NLMSG_DATA(n) + GENL_HDRLEN),
				   n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), arg);
		}
	}
}

/* @a if a whole attribute starts there, @len bytes left; else NULL. */
static struct nlattr *attr_ok(struct nlattr *a, int len)
{
	if (len < (int)sizeof(*a) || a->nla_len < sizeof(*a) || a->nla_len > len)
		return NULL;
	return a;
}

/* The attribute after @a, @len bytes left from @a (less after it). */
static struct nlattr *attr_next(struct nlattr *a, int *len)
{
	*len -= NLA_ALIGN(a->nla_len);
	return attr_ok((struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)), *len);
}

static void *attr_data(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static void family_id_of(struct nlattr *head, int len, void *arg)
{
	struct nlattr *a;

	for (a = attr_ok(head, len); a; a = attr_next(a, &len))
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)arg = *(uint16_t *)attr_data(a);
}

static uint16_t wg_family(void)
{
	struct nlmsghdr *n = msg_start(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	uint16_t id = 0;

	put(n, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME, sizeof(WG_GENL_NAME));
	send_msg(n);
	recv_replies(family_id_of, &id);
	if (!id) {
		fprintf(stderr, "kmg-wg: no wireguard family\n");
		exit(1);
	}
	return id;
}

static void hex_key(const char *hex, uint8_t *key)
{
	unsigned int i, v;

	if (strlen(hex) != 2 * KEY_LEN) {
		fprintf(stderr, "kmg-wg: a key is %d hex digits\n", 2 * KEY_LEN);
		exit(2);
	}
	for (i = 0; i < KEY_LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			fprintf(stderr, "kmg-wg: not hex: %s\n", hex);
			exit(2);
		}
		key[i] = v;
	}
}

struct show {
	unsigned int peers, handshakes;
	uint64_t rx, tx;
	uint8_t pub[KEY_LEN];
	int have_pub;
};

static void show_peer(struct nlattr *head, int len, struct show *s)
{
	struct nlattr *a;

	s->peers++;
	for (a = attr_ok(head, len); a; a = attr_next(a, &len)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case WGPEER_A_LAST_HANDSHAKE_TIME: {
			/* struct __kernel_timespec: two 64-bit fields */
			int64_t *t = attr_data(a);

			if (t[0] || t[1])
				s->handshakes++;
			break;
		}
		case WGPEER_A_RX_BYTES:
			s->rx += *(uint64_t *)attr_data(a);
			break;
		case WGPEER_A_TX_BYTES:
			s->tx += *(uint64_t *)attr_data(a);
			break;
		}
	}
}

static void show_device(struct nlattr *head, int len, void *arg)
{
	struct show *s = arg;
	struct nlattr *a, *p;
	int plen;

	for (a = attr_ok(head, len); a; a = attr_next(a, &len)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case WGDEVICE_A_PUBLIC_KEY:
			memcpy(s->pub, attr_data(a), KEY_LEN);
			s->have_pub = 1;
			break;
		case WGDEVICE_A_PEERS:
			plen = a->nla_len - NLA_HDRLEN;
			for (p = attr_ok(attr_data(a), plen); p; p = attr_next(p, &plen))
				show_peer(attr_data(p), p->nla_len - NLA_HDRLEN, s);
			break;
		}
	}
}

static int bad_args(void)
{
	fprintf(stderr, "usage: kmg-wg set IFACE PRIVATE-HEX PORT\n"
		"       kmg-wg pubkey IFACE\n"
		"       kmg-wg peer IFACE PUBLIC-HEX PORT ADDR\n"
		"       kmg-wg show IFACE\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	struct nlattr *peers, *peer, *ips, *ip;
	struct nlmsghdr *n;
	uint8_t key[KEY_LEN];
	struct show s = { 0 };
	uint16_t family, port;
	struct sockaddr_in ep;
	struct in_addr addr;
	uint8_t cidr = 32;
	uint16_t af = AF_INET;
	int i;

	if (argc < 3)
		return bad_args();
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl < 0 || bind(nl, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("kmg-wg: netlink");
		return 1;
	}
	family = wg_family();
	if (!strcmp(argv[1], "set") && argc == 5) {
		hex_key(argv[3], key);
		port = atoi(argv[4]);
		n = msg_start(family, NLM_F_ACK, WG_CMD_SET_DEVICE);
		put(n, WGDEVICE_A_IFNAME, argv[2], strlen(argv[2]) + 1);
		put(n, WGDEVICE_A_PRIVATE_KEY, key, KEY_LEN);
		put(n, WGDEVICE_A_LISTEN_PORT, &port, sizeof(port));
		send_msg(n);
		recv_replies(NULL, NULL);
	} else if (!strcmp(argv[1], "peer") && argc == 6) {
		hex_key(argv[3], key);
		if (inet_pton(AF_INET, argv[5], &addr) != 1) {
			fprintf(stderr, "kmg-wg: not an IPv4 address: %s\n", argv[5]);
			return 2;
		}
		memset(&ep, 0, sizeof(ep));
		ep.sin_family = AF_INET;
		ep.sin_port = htons(atoi(argv[4]));
		ep.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		n = msg_start(family, NLM_F_ACK, WG_CMD_SET_DEVICE);
		put(n, WGDEVICE_A_IFNAME, argv[2], strlen(argv[2]) + 1);
		peers = nest(n, WGDEVICE_A_PEERS);
		peer = nest(n, 0);
		put(n, WGPEER_A_PUBLIC_KEY, key, KEY_LEN);
		put(n, WGPEER_A_ENDPOINT, &ep, sizeof(ep));
		ips = nest(n, WGPEER_A_ALLOWEDIPS);
		ip = nest(n, 0);
		put(n, WGALLOWEDIP_A_FAMILY, &af, sizeof(af));
		put(n, WGALLOWEDIP_A_IPADDR, &addr, sizeof(addr));
		put(n, WGALLOWEDIP_A_CIDR_MASK, &cidr, sizeof(cidr));
		nest_end(n, ip);
		nest_end(n, ips);
		nest_end(n, peer);
		nest_end(n, peers);
		send_msg(n);
		recv_replies(NULL, NULL);
	} else if ((!strcmp(argv[1], "pubkey") || !strcmp(argv[1], "show")) && argc == 3) {
		n = msg_start(family, NLM_F_DUMP, WG_CMD_GET_DEVICE);
		put(n, WGDEVICE_A_IFNAME, argv[2], strlen(argv[2]) + 1);
		send_msg(n);
		recv_replies(show_device, &s);
		if (argv[1][0] == 'p') {
			if (!s.have_pub) {
				fprintf(stderr, "kmg-wg: %s has no key\n", argv[2]);
				return 1;
			}
			for (i = 0; i < KEY_LEN; i++)
				printf("%02x", s.pub[i]);
			printf("\n");
		} else {
			printf("peers %u handshakes %u rx %llu tx %llu\n", s.peers,
			       s.handshakes, (unsigned long long)s.rx,
			       (unsigned long long)s.tx);
		}
	} else {
		return bad_args();
	}
	return 0;
}
