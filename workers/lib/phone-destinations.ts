/**
 * Where a phone number is: its country (for the numbers we can name) and whether it is
 * premium-rate. Pure tables, no I/O: the transfer policy (workers/calls/transfer-policy.ts) and
 * the agent settings' schema both use them. A destination we cannot name counts as no country.
 */
import { z } from "zod";

/** Calling code → country, for the codes we can name (longest code first when matching). */
const CALLING_CODES: Record<string, string> = {
  "44": "GB",
  "49": "DE",
  "33": "FR",
  "34": "ES",
  "39": "IT",
  "31": "NL",
  "32": "BE",
  "41": "CH",
  "43": "AT",
  "45": "DK",
  "46": "SE",
  "47": "NO",
  "48": "PL",
  "351": "PT",
  "353": "IE",
  "358": "FI",
  "30": "GR",
  "52": "MX",
  "55": "BR",
  "54": "AR",
  "56": "CL",
  "57": "CO",
  "61": "AU",
  "64": "NZ",
  "65": "SG",
  "81": "JP",
  "82": "KR",
  "91": "IN",
  "27": "ZA",
  "972": "IL",
  "971": "AE",
  "852": "HK",
  "63": "PH",
};

/** NANP area codes of Canada; every other +1 area code is the US's unless listed below. */
const CANADA_AREA_CODES = new Set(
  (
    "204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 387 403 416 418 428 431 437 " +
    "438 450 460 468 474 506 514 519 548 579 581 584 587 600 604 613 622 639 647 672 683 705 " +
    "709 742 753 778 780 782 807 819 825 867 873 879 902 905 942"
  ).split(" "),
);

/**
 * NANP area codes that are other countries or US territories (dialled as +1, billed as
 * international: the classic "call back +1 876" fraud).
 */
const OTHER_NANP_AREA_CODES: Record<string, string> = {
  "242": "BS",
  "246": "BB",
  "264": "AI",
  "268": "AG",
  "284": "VG",
  "340": "VI",
  "345": "KY",
  "441": "BM",
  "473": "GD",
  "649": "TC",
  "658": "JM",
  "664": "MS",
  "670": "MP",
  "671": "GU",
  "684": "AS",
  "721": "SX",
  "758": "LC",
  "767": "DM",
  "784": "VC",
  "787": "PR",
  "809": "DO",
  "829": "DO",
  "849": "DO",
  "868": "TT",
  "869": "KN",
  "876": "JM",
  "939": "PR",
};

/** Every country a tenant may allow transfers to. */
export const TRANSFER_COUNTRIES = [
  "US",
  "CA",
  ...new Set([...Object.values(CALLING_CODES), ...Object.values(OTHER_NANP_AREA_CODES)]),
].sort();

export const TransferCountry = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => TRANSFER_COUNTRIES.includes(code), {
    error: `must be a country code such as "US", "CA" or "GB" (one of: ${TRANSFER_COUNTRIES.join(", ")})`,
  });

/**
 * Premium-rate and revenue-sharing ranges, as E.164 prefixes (NANP 900 and the 976 exchange are
 * matched by pattern below). International networks and satellite ranges are always refused.
 */
const PREMIUM_PREFIXES = [
  "+1900",
  "+4490", // UK 090: premium rate
  "+4491", // UK 091: premium rate
  "+4498", // UK 098: sexual entertainment services
  "+4470", // UK 070: personal numbering, a common fraud range
  "+44871", // UK 0871-0873: revenue sharing
  "+44872",
  "+44873",
  "+49900", // DE 0900: premium rate
  "+49137", // DE 0137: mass calling
  "+3389", // FR 089x: premium rate
  "+34803", // ES 803/806/807/905: premium rate
  "+34806",
  "+34807",
  "+34905",
  "+39899", // IT 899/892: premium rate
  "+39892",
  "+31900", // NL 0900/0906/0909: premium rate
  "+31906",
  "+31909",
  "+32900", // BE 090x: premium rate
  "+32902",
  "+32903",
  "+32904",
  "+32905",
  "+32906",
  "+32907",
  "+32909",
  "+41900", // CH 0900/0901/0906: premium rate
  "+41901",
  "+41906",
  "+43900", // AT 0900/0901/093x: premium rate
  "+43901",
  "+43930",
  "+43931",
  "+43939",
  "+61190", // AU 190x: premium rate
  "+64900", // NZ 0900: premium rate
  "+881", // satellite and international networks
  "+882",
  "+883",
  "+870",
  "+979", // international premium rate service
];

/** The country of an E.164 number, or null when it is not one we can name. */
export function countryOf(e164: string): string | null {
  if (e164.startsWith("+1")) {
    const area = e164.slice(2, 5);
    if (e164.length !== 12) return null;
    if (CANADA_AREA_CODES.has(area)) return "CA";
    return OTHER_NANP_AREA_CODES[area] ?? "US";
  }
  for (const length of [3, 2]) {
    const country = CALLING_CODES[e164.slice(1, 1 + length)];
    if (country) return country;
  }
  return null;
}

export function isPremiumRate(e164: string): boolean {
  // NANP NPA-976-XXXX: the old premium exchange, in any area code.
  if (/^\+1\d{3}976\d{4}$/.test(e164)) return true;
  return PREMIUM_PREFIXES.some((prefix) => e164.startsWith(prefix));
}

/** A tenant's own country, from one of its numbers: a North American number means US and CA. */
function homeCountries(e164: string): string[] {
  const country = countryOf(e164);
  if (country === "US" || country === "CA") return ["US", "CA"];
  return country ? [country] : [];
}

/** The countries of the tenant's own numbers (US and CA when it has none we can name). */
export function defaultTransferCountries(ownNumbers: readonly string[]): string[] {
  const countries = new Set(ownNumbers.flatMap(homeCountries));
  return countries.size > 0 ? [...countries].sort() : ["US", "CA"];
}

/** Why `number` may not be dialled as a transfer, or null when it may. */
export function transferDestinationProblem(
  number: string,
  allowedCountries: readonly string[],
): string | null {
  if (isPremiumRate(number)) return `${number} is a premium-rate number`;
  const country = countryOf(number);
  if (country === null) return `${number} is not in a country calls can be transferred to`;
  if (!allowedCountries.includes(country)) {
    return `${number} is in ${country}, which is not among the transfer countries (${allowedCountries.join(", ")})`;
  }
  return null;
}
