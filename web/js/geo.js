// Geolocation helpers shared by pages: country names (the browser's own list), links to the
// country and AS pages, and the attribution the default database's licence asks for.
import { html } from './ui.js';

// ISO 3166-1 alpha-2 code followed by its numeric code (world-atlas's country ids), from
// Debian's iso-codes listing.
const NUMERIC = 'AD020AE784AF004AG028AI660AL008AM051AO024AQ010AR032AS016AT040AU036AW533AX248AZ031BA070BB052BD050BE056BF854BG100BH048BI108BJ204BL652BM060BN096BO068BQ535BR076BS044BT064BV074BW072BY112BZ084CA124CC166CD180CF140CG178CH756CI384CK184CL152CM120CN156CO170CR188CU192CV132CW531CX162CY196CZ203DE276DJ262DK208DM212DO214DZ012EC218EE233EG818EH732ER232ES724ET231FI246FJ242FK238FM583FO234FR250GA266GB826GD308GE268GF254GG831GH288GI292GL304GM270GN324GP312GQ226GR300GS239GT320GU316GW624GY328HK344HM334HN340HR191HT332HU348ID360IE372IL376IM833IN356IO086IQ368IR364IS352IT380JE832JM388JO400JP392KE404KG417KH116KI296KM174KN659KP408KR410KW414KY136KZ398LA418LB422LC662LI438LK144LR430LS426LT440LU442LV428LY434MA504MC492MD498ME499MF663MG450MH584MK807ML466MM104MN496MO446MP580MQ474MR478MS500MT470MU480MV462MW454MX484MY458MZ508NA516NC540NE562NF574NG566NI558NL528NO578NP524NR520NU570NZ554OM512PA591PE604PF258PG598PH608PK586PL616PM666PN612PR630PS275PT620PW585PY600QA634RE638RO642RS688RU643RW646SA682SB090SC690SD729SE752SG702SH654SI705SJ744SK703SL694SM674SN686SO706SR740SS728ST678SV222SX534SY760SZ748TC796TD148TF260TG768TH764TJ762TK772TL626TM795TN788TO776TR792TT780TV798TW158TZ834UA804UG800UM581US840UY858UZ860VA336VC670VE862VG092VI850VN704VU548WF876WS882YE887YT175ZA710ZM894ZW716';
const numericOf = new Map();
for (let i = 0; i + 5 <= NUMERIC.length; i += 5) numericOf.set(NUMERIC.slice(i, i + 2), NUMERIC.slice(i + 2, i + 5));
/** The ISO numeric code ("276") of an alpha-2 code ("DE"), as world-atlas names countries. */
export const countryNumeric = (code) => numericOf.get(String(code || '').toUpperCase()) || '';

let regionNames = null;
try { regionNames = new Intl.DisplayNames(['en'], { type: 'region' }); } catch { regionNames = null; }

/** "Germany" for "DE" (the browser's names; the code when it has none). */
export function countryName(code, fallback = '') {
  if (!code) return fallback;
  try { return regionNames?.of(code) || fallback || code; } catch { return fallback || code; }
}

/** The flag emoji of a country code (regional indicator symbols). */
export function flag(code) {
  if (!code || code.length !== 2) return '';
  return String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1F1E6 + c.charCodeAt(0) - 65));
}

export function countryLink(code, name) {
  if (!code) return html`<span class="dim">–</span>`;
  return html`<a href="#/country/${encodeURIComponent(code)}" class="country" title="${name || countryName(code)}"><span aria-hidden="true">${flag(code)}</span> ${code}</a>`;
}

export function asLink(asn, name) {
  if (!asn) return html`<span class="dim">–</span>`;
  return html`<a href="#/asn/${asn}" class="asn" title="${name || ''}">AS${asn}</a>${name ? html` <span class="dim small ellipsis">${name}</span>` : ''}`;
}

export function cityText(h) {
  return [h.city, countryName(h.country)].filter(Boolean).join(', ');
}

export const attribution = () => html`<p class="legend geo-attribution">Geolocation: <a href="https://db-ip.com" rel="noopener">IP Geolocation by DB-IP</a> (CC BY 4.0) · AS numbers: RouteViews, NRO, DB-IP (CC BY 4.0), when netlens uses its default databases.</p>`;
