// The answers `lbdoctor explain` gives: the FAQ's informational sections
// (FAQ-MAP.md's last row), plus a few facts our playbooks' conclusions lean
// on (the 100.125.0.0/16 range, the three timeouts, active connections, the
// IP-as-backend capacity formula). Each in our own words, its section cited;
// test/unit/explain/topics.test.ts checks that every informational section
// has a topic and that no answer repeats an FAQ sentence.
//
// Ids are a contract: playbooks link them (`explain: [topic-id]` on a
// conclude step) and reports print `lbdoctor explain ID` under the finding.

export interface ExplainTopic {
  /** kebab-case, stable. */
  readonly id: string;
  /** The question, as a person would ask it. */
  readonly title: string;
  /** FAQ sections it answers. */
  readonly faq: readonly string[];
  /** Words people search with that the title and answer may not contain. */
  readonly keywords: readonly string[];
  /** The answer: a few short sentences, each line ≤ 76 columns. */
  readonly answer: string;
}

export const TOPICS: readonly ExplainTopic[] = [
  {
    id: 'ddos-protection',
    title: 'Does the load balancer protect against DDoS or web attacks?',
    faq: ['3.2'],
    keywords: ['ddos', 'attack', 'anti-ddos', 'aad', 'security', 'waf', 'flood'],
    answer: `No. ELB forwards traffic; filtering attacks is not its job. Public
traffic into the cloud already passes the basic Anti-DDoS service at no
cost. For bigger floods, Advanced Anti-DDoS gives you high-defense IPs:
point DNS at them and they scrub traffic before it reaches your origin,
wherever that origin runs. Web-code attacks (injection, XSS) need WAF.`,
  },
  {
    id: 'mixed-operating-systems',
    title: 'Can members of one pool run different operating systems?',
    faq: ['3.3'],
    keywords: ['os', 'linux', 'windows', 'operating', 'system', 'heterogeneous'],
    answer: `Yes. The load balancer only cares that each member answers the same
requests the same way; Linux and Windows members can share a pool. Keep the
application and its data identical on all of them, and prefer one OS
anyway: one set of tuning, logs and fixes is easier to run.`,
  },
  {
    id: 'cross-vpc-backends',
    title: 'Can a load balancer send traffic to another VPC or account?',
    faq: ['3.4'],
    keywords: ['vpc', 'account', 'peering', 'cross', 'direct', 'connect', 'vpn', 'cloud', 'connection'],
    answer: `Only a dedicated load balancer, and only by IP address (IP as a
backend): members may sit in a peered VPC, in a VPC of another region joined
by a cloud connection, or on premises behind Direct Connect or a VPN. The
network path between them must exist first; ELB does not create it.`,
  },
  {
    id: 'containers',
    title: 'How do I load-balance containerised applications?',
    faq: ['4.2'],
    keywords: ['container', 'kubernetes', 'k8s', 'kubectl', 'cce', 'service', 'loadbalancer', 'pod'],
    answer: `Create a Kubernetes Service of type LoadBalancer, either in the
console of the container service or with kubectl and a manifest; the
cluster then creates or reuses an ELB load balancer and keeps its members
in step with the pods. The container service's "LoadBalancer" guide has
the annotations.`,
  },
  {
    id: 'backend-internet-via-lb-eip',
    title: "Can members reach the internet through the load balancer's EIP?",
    faq: ['4.4', '6.2'],
    keywords: ['internet', 'outbound', 'egress', 'nat', 'eip', 'snat', 'access'],
    answer: `No. The load balancer's EIP only takes requests in; it does not carry
connections that members start. Members reach the internet as they would
without a load balancer (being a member neither gives nor takes that
away): give a member its own EIP, or let several share one through a NAT
gateway.`,
  },
  {
    id: 'specification-vs-eip-bandwidth',
    title: "A dedicated load balancer's bandwidth and its EIP's bandwidth",
    faq: ['4.5'],
    keywords: ['bandwidth', 'specification', 'spec', 'mbit', 'limit', 'eip', 'throughput'],
    answer: `Two separate ceilings, and traffic meets the lower one. The
specification's bandwidth caps everything the dedicated load balancer
carries, in and out. The EIP's bandwidth caps only what internet clients
exchange with it. Size both for your peak.`,
  },
  {
    id: 'waf-in-front',
    title: 'How do ELB and WAF work together?',
    faq: ['4.6'],
    keywords: ['waf', 'firewall', 'web', 'application', 'origin', 'back-to-source', 'whitelist'],
    answer: `Put WAF in front and let it send the cleaned traffic on to ELB. Then
add a whitelist on the listener holding WAF's back-to-source addresses, so
nobody who learns the load balancer's address can reach your servers
around WAF. The WAF user guide lists those addresses.`,
  },
  {
    id: 'ipv6-unbind',
    title: 'Can I remove the IPv6 address of a dedicated load balancer?',
    faq: ['4.7'],
    keywords: ['ipv6', 'unbind', 'release', 'dual', 'stack', 'address'],
    answer: `Yes. It gets one once IPv6 is turned on for its subnet. Unbinding it
releases it: IPv6 clients can no longer reach the load balancer. You can
bind one again through the API later, but expect a different address, so
DNS records must follow.`,
  },
  {
    id: 'non-cloud-servers',
    title: 'Can members be servers outside this cloud?',
    faq: ['6.3'],
    keywords: ['on-premises', 'premises', 'idc', 'hybrid', 'external', 'database', 'rds', 'ip', 'backend'],
    answer: `A dedicated load balancer can, by IP address (IP as a backend): servers
in a peered VPC, in another region through a cloud connection, or in your
data centre over Direct Connect or a VPN. Managed database instances can
never be members.`,
  },
  {
    id: 'cross-region',
    title: 'Can a load balancer send traffic to another region?',
    faq: ['6.5'],
    keywords: ['region', 'cross', 'hybrid', 'ip', 'backend', 'remote'],
    answer: `Only to members added by IP address: turn on IP as a backend on the
load balancer (the hybrid load balancing guide), and make sure a network
path to that region or data centre exists (cloud connection, VPN, Direct
Connect).`,
  },
  {
    id: 'member-eip',
    title: 'Does every member need its own EIP behind a public load balancer?',
    faq: ['6.6', '8.2'],
    keywords: ['eip', 'public', 'member', 'bandwidth', 'billing', 'bill', 'private'],
    answer: `No. Clients reach the load balancer's EIP, and it talks to members
over the private network. A member needs an EIP (and you pay for its
bandwidth as well) only when it must also serve the internet directly.`,
  },
  {
    id: 'check-member-via-eip',
    title: 'How do I test a member through its own EIP?',
    faq: ['6.10'],
    keywords: ['eip', 'bind', 'curl', 'browser', 'direct', 'test', 'ecs'],
    answer: `Bind an EIP to the server (Elastic Cloud Server → the server → EIPs →
Bind EIP), then request it at that address: curl from Linux, a browser
from Windows. That takes the load balancer out of the path. lbdoctor's
playbooks do the same from inside the VPC: they request each member
directly and compare.`,
  },
  {
    id: 'whitelist-scope',
    title: 'Why can clients outside the whitelist still reach my servers?',
    faq: ['6.12'],
    keywords: ['whitelist', 'blacklist', 'access', 'control', 'ipgroup', 'acl', 'security', 'group'],
    answer: `A listener's whitelist guards that listener and nothing else. A client
that knows a member's own address (or EIP) goes straight to it. To close
that door, restrict the member with security group or network ACL rules
(allow the load balancer's range, deny the rest).`,
  },
  {
    id: 'access-log-retention',
    title: 'How long are access logs kept?',
    faq: ['7.6'],
    keywords: ['access', 'log', 'logs', 'retention', 'lts', 'days', 'keep', 'storage'],
    answer: `A week unless you change it: the log stream's retention can be set
from 1 to 365 days. Copy what you need for longer (lbdoctor logs reads a
saved file).`,
  },
  {
    id: 'outgoing-rate-vs-eip',
    title: "Why does ELB's outgoing rate differ from the EIP bandwidth in Cloud Eye?",
    faq: ['7.7'],
    keywords: ['outgoing', 'rate', 'bandwidth', 'cloud', 'eye', 'metric', 'monitoring', 'differ'],
    answer: `They are measured in different places. Under the EIP's limit, Cloud
Eye counts the public side while ELB counts its private side, so the
figures drift apart. Over the limit, the EIP throttles, and what reaches
ELB takes another path than what the EIP counted. Neither graph is wrong.`,
  },
  {
    id: 'public-bandwidth',
    title: 'When does a load balancer need public bandwidth?',
    faq: ['8.1'],
    keywords: ['public', 'bandwidth', 'eip', 'internet', 'billing', 'buy', 'private', 'vpc'],
    answer: `Only for clients on the internet: they need an EIP bound to the load
balancer, and that EIP needs bandwidth. Clients inside the VPC use the
private address and need neither. Traffic to members' own EIPs never uses
the load balancer's bandwidth.`,
  },
  {
    id: 'modify-bandwidth',
    title: "Can I change a load balancer's bandwidth?",
    faq: ['8.3'],
    keywords: ['bandwidth', 'modify', 'change', 'resize', 'eip', 'increase'],
    answer: `Yes, at any time: change its EIP's bandwidth (the
console's Modify Bandwidth). Raise it when Cloud Eye shows traffic pinned
at the limit during slow periods.`,
  },
  {
    id: 'frozen-load-balancer',
    title: 'What stops working when a load balancer is frozen?',
    faq: ['8.4'],
    keywords: ['frozen', 'freeze', 'arrears', 'balance', 'billing', 'account', 'suspended'],
    answer: `An unpaid balance or a public-security case freezes a load balancer.
A frozen dedicated one forwards nothing, runs no health checks
(the console keeps showing the last results), sends no metrics, and its
settings and those of its listeners, pools, members and policies cannot
be changed through the API; one frozen for security reasons cannot even be
deleted. Settle the account (or the case) to thaw it.`,
  },
  // Facts the playbooks' conclusions point to.
  {
    id: 'lb-source-range',
    title: 'Why do members see requests from 100.125.0.0/16?',
    faq: ['6.4'],
    keywords: ['100.125', '100.125.0.0/16', 'source', 'range', 'security', 'group', 'health', 'check'],
    answer: `Shared load balancers talk to members from 100.125.0.0/16: both the
traffic they forward and their health checks. Members' security groups
must let that range in, or checks fail and traffic is lost. Dedicated
load balancers use addresses of their backend subnet instead.`,
  },
  {
    id: 'websocket',
    title: 'Does the load balancer pass WebSocket?',
    faq: ['5.5', '5.6'],
    keywords: ['websocket', 'ws', 'wss', 'upgrade', 'timeout', 'idle'],
    answer: `Yes, with nothing to turn on: ws:// through HTTP listeners, wss://
through HTTPS ones. A quiet WebSocket is an idle connection like any
other: the listener's idle timeout (keepalive_timeout) closes it. Send
pings more often than that timeout, or raise it.`,
  },
  {
    id: 'listener-timeouts',
    title: "A listener's three timeouts",
    faq: ['5.6'],
    keywords: [
      'timeout',
      'keepalive_timeout',
      'client_timeout',
      'member_timeout',
      'idle',
      'request',
      'response',
      '504',
      '408',
    ],
    answer: `Idle (keepalive_timeout): how long a connection may sit unused before
the load balancer closes it; 10-4000 s at layer 4, 0-4000 s for HTTP(S).
Request (client_timeout, layer 7, 1-300 s): how long a client may take to
send its request; past it, 408. Response (member_timeout, layer 7,
1-300 s): how long to wait for a member's answer, retrying others, before
answering 504 (with sticky sessions, 504 at once, no retry).`,
  },
  {
    id: 'active-connections',
    title: "Why don't Cloud Eye's active connections match the members' counts?",
    faq: ['6.11'],
    keywords: ['active', 'connections', 'cloud', 'eye', 'concurrent', 'metric', 'count', 'established'],
    answer: `Cloud Eye counts client connections to the load balancer. Behind a
TCP or UDP listener each one maps to one connection to a member, so the
sums agree. Behind HTTP(S) the load balancer ends the client's connection
and opens, reuses or pools its own to members: the two counts are
unrelated, and comparing them says nothing about a fault. Behind TCP,
lbdoctor run stress-test counts the members' established connections
over SSH and compares their sum with the Cloud Eye figure you give
(--set cloud_eye_active_connections=N --set cloud_eye_minute=HH:MM, UTC).`,
  },
  {
    id: 'ip-backend-capacity',
    title: 'How many concurrent connections can IP-as-backend members carry?',
    faq: ['1.1'],
    keywords: [
      'ip',
      'backend',
      'concurrent',
      'connections',
      '100000',
      'capacity',
      'az',
      'specification',
      'packet',
      'loss',
    ],
    answer: `Each member added by IP takes at most 100,000 connections at once per
AZ it is reached from. A public load balancer: 100,000 × members × AZs.
A private one used from the clients' own AZ: 100,000 × members. If that is
below what the load balancer's specification promises, the members run out
first: add IP members.`,
  },
];

/** Topic ids, for the playbook validator (`explain:` on conclude steps). */
export const TOPIC_IDS: readonly string[] = TOPICS.map((t) => t.id);
