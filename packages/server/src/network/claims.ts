/**
 * The hiring system's claims about the candidate against what the check observed: the country and
 * time zone they say they live in against the address's country and the browser's time zone, and
 * the phone number as they wrote it, read with Google's numbering plans (libphonenumber-js, full
 * metadata). Pure: the observed facts come in as values.
 */
import ct from 'countries-and-timezones';
import { Metadata, getCountryCallingCode, isSupportedCountry as supported, parsePhoneNumberFromString, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/max/metadata';
import type { ClaimedRisk, LocationMismatch, ObservedRisk, PhoneAnomaly, SessionClaims } from '@liveproof/protocol';
import { zoneCountries } from './facts.ts';

const metadata = metadataJson as unknown as MetadataJson;
const isSupportedCountry = (code: string): code is CountryCode => supported(code as CountryCode, metadata);

/** Whether `code` names a country (ISO 3166-1 alpha-2) the time-zone data knows. */
export function isKnownCountry(code: string): boolean {
  return ct.getCountry(code) !== null;
}

/** The zone's offset from UTC at `at`, in minutes, or null for a name the platform does not know. */
export function utcOffsetMinutes(zone: string, at: number): number | null {
  try {
    const name = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
    const match = name?.match(/^GMT(?:([+-])(\d{2}):(\d{2}))?$/);
    if (!match) return null;
    return match[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  } catch {
    return null;
  }
}

/** Number types no one gives as their own line. */
const NOT_PERSONAL = new Set(['TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOIP', 'PAGER', 'UAN', 'VOICEMAIL']);

/** Each country's outbound (international) dialling prefix, as the numbering plans give them. */
const homeIdd: Map<string, RegExp> = (() => {
  const plans = new Metadata(metadata);
  const out = new Map<string, RegExp>();
  for (const country of Object.keys(metadata.countries)) {
    plans.selectNumberingPlan(country as CountryCode);
    const idd = plans.numberingPlan?.IDDPrefix();
    if (idd) out.set(country, new RegExp(`^(?:${idd})`));
  }
  return out;
})();
/** The distinct outbound prefixes (many countries share `00`). */
const iddPrefixes = [...new Map([...homeIdd.values()].map((r) => [r.source, r])).values()];

/** The valid international number behind an outbound prefix (any country's) at the start of `digits`, if there is one. */
function behindOutboundPrefix(digits: string) {
  for (const prefix of iddPrefixes) {
    const match = digits.match(prefix);
    if (!match || match[0].length === 0) continue;
    const number = parsePhoneNumberFromString(`+${digits.slice(match[0].length)}`, metadata);
    if (number?.isValid()) return number;
  }
  return null;
}

/**
 * What the number as written says, read with `home` (the claimed country, else the address's) as
 * the country a number without `+` is dialled in. Without a home country, such a number cannot be
 * judged either way.
 */
export function readPhone(raw: string, home: string | null, claimedCountry: string | undefined): NonNullable<ClaimedRisk['phone']> {
  const international = raw.trim().startsWith('+');
  const homePlan = home && isSupportedCountry(home) ? home : null;
  if (!international && !homePlan) return { country: null, callingCode: null, valid: null, anomalies: [] };
  const asWritten = parsePhoneNumberFromString(raw, homePlan ? { defaultCountry: homePlan, extract: false } : { extract: false }, metadata);
  const anomalies: PhoneAnomaly[] = [];
  let number = asWritten;
  if (!international && homePlan && !asWritten?.isValid()) {
    // Not a number at home: perhaps one written as dialled from another country (`00 1 415…` by
    // someone in the US, where one dials 011), which home's own prefix would have read already.
    const digits = raw.replace(/\D/g, '');
    const abroad = homeIdd.get(homePlan)?.test(digits) ? null : behindOutboundPrefix(digits);
    if (abroad) {
      anomalies.push('foreign_dialling_prefix');
      number = abroad;
    }
  }
  const valid = number?.isValid() ?? false;
  if (!valid) anomalies.push('invalid');
  const callingCode = number?.countryCallingCode ?? null;
  if (valid && claimedCountry && isSupportedCountry(claimedCountry) && getCountryCallingCode(claimedCountry, metadata) !== callingCode) anomalies.push('country_mismatch');
  const type = valid ? number!.getType() : undefined;
  if (type && NOT_PERSONAL.has(type)) anomalies.push('not_personal_line');
  return { country: (valid && number!.country) || null, callingCode, valid, ...(type ? { type: type.toLowerCase() } : {}), anomalies };
}

/** The claims against the observed facts; null when the session made none. */
export function compareClaims(claims: SessionClaims | null, observed: ObservedRisk, browserZone: string | undefined, at: number): ClaimedRisk | null {
  if (!claims) return null;
  const out: ClaimedRisk = {};
  const addressCountry = observed.http?.country ?? null;
  if (claims.country || claims.timeZone || claims.city) {
    const mismatches: LocationMismatch[] = [];
    if (claims.country && addressCountry && claims.country !== addressCountry) mismatches.push('address_country');
    const zoneUsedIn = browserZone ? zoneCountries(browserZone) : null;
    if (claims.country && zoneUsedIn?.length && !zoneUsedIn.includes(claims.country)) mismatches.push('browser_zone');
    if (claims.timeZone && browserZone) {
      const claimed = utcOffsetMinutes(claims.timeZone, at);
      const browser = utcOffsetMinutes(browserZone, at);
      if (claimed !== null && browser !== null && claimed !== browser) mismatches.push('claimed_zone');
    }
    out.location = {
      ...(claims.country ? { country: claims.country } : {}),
      ...(claims.city ? { city: claims.city } : {}),
      ...(claims.timeZone ? { timeZone: claims.timeZone } : {}),
      addressCountry,
      browserZone: browserZone ?? null,
      mismatches,
    };
  }
  if (claims.phone) out.phone = readPhone(claims.phone, claims.country ?? addressCountry, claims.country);
  return out;
}
