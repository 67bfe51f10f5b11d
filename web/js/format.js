// Numbers for people: bit rates, byte sizes, counts, durations and ages.

const nf = new Intl.NumberFormat('en-US');

/** Packet and other counts with thousands separators: 1,234,567. */
export function count(n) {
  return n == null || Number.isNaN(n) ? '–' : nf.format(Math.round(n));
}

function scaled(value, base, units, unitSep = ' ') {
  if (value == null || Number.isNaN(value)) return '–';
  let v = Math.abs(value), i = 0;
  while (v >= base && i < units.length - 1) { v /= base; i++; }
  const digits = i === 0 ? 0 : v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return (value < 0 ? '-' : '') + v.toFixed(digits) + unitSep + units[i];
}

/** Bit rate: 950 bps, 1.23 Kbps, 45.6 Mbps, 1.00 Gbps (powers of 1000). */
export function bps(v) { return scaled(v, 1000, ['bps', 'Kbps', 'Mbps', 'Gbps', 'Tbps']); }

/** Packet rate: 12 pps, 1.5 Kpps. */
export function pps(v) { return scaled(v, 1000, ['pps', 'Kpps', 'Mpps', 'Gpps']); }

/** Byte size: 512 B, 1.50 KB, 23.4 MB, 1.02 GB (powers of 1024). */
export function bytes(v) { return scaled(v, 1024, ['B', 'KB', 'MB', 'GB', 'TB', 'PB']); }

/** Seconds as "3 min, 12 sec", "2 h, 5 min", "4 days, 1 h", "250 ms". */
export function duration(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return '–';
  if (seconds < 0) seconds = 0;
  if (seconds < 1) return seconds === 0 ? '0 sec' : `${Math.max(1, Math.round(seconds * 1000))} ms`;
  let s = Math.floor(seconds);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const parts = [];
  if (d) parts.push(`${d} ${d === 1 ? 'day' : 'days'}`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || !parts.length) parts.push(`${s} sec`);
  return parts.slice(0, 2).join(', ');
}

/** How long before `now` (both in seconds): "3 min, 12 sec ago", "just now". */
export function ago(then, now) {
  if (then == null || now == null) return '–';
  const d = now - then;
  return d < 1 ? 'just now' : `${duration(d)} ago`;
}

/** A Unix time in seconds as a local date and time: 2016-08-02 04:19:33. */
export function datetime(seconds) {
  if (!seconds) return '–';
  const t = new Date(seconds * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}

/** A share 0..1 as "12.3%". */
export function percent(part, total) {
  if (!total) return '0%';
  const p = (100 * part) / total;
  return (p > 0 && p < 0.1 ? '<0.1' : p.toFixed(p >= 10 ? 0 : 1)) + '%';
}

/** An endpoint: 10.0.0.1:443, [2001:db8::1]:443, or the address alone without a port. */
export function endpoint(ip, port) {
  if (!port) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const L4 = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 132: 'SCTP', 47: 'GRE', 50: 'ESP', 51: 'AH', 2: 'IGMP', 41: 'IPv6', 4: 'IPv4', 89: 'OSPF', 103: 'PIM', 112: 'VRRP' };
/** An IP protocol number's name (from the API's /l4protocols when known there). */
export function l4name(proto, names) {
  return (names && names[proto]) || L4[proto] || `proto ${proto}`;
}
