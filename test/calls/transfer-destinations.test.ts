import { describe, expect, it } from "vitest";
import {
  countryOf,
  defaultTransferCountries,
  transferDestinationProblem,
} from "../../workers/lib/phone-destinations";

const US_CA = ["US", "CA"];

describe("transfer destinations", () => {
  it.each([
    ["+19005550123", "NANP 900"],
    ["+17149765555", "the NANP 976 exchange"],
    ["+449098790000", "UK 09x"],
    ["+447011223344", "UK 070 personal numbering"],
    ["+4990012345678", "German 0900"],
    ["+61190012345", "Australian 190x"],
    ["+881612345678", "a satellite network"],
  ])("refuses %s (%s) as premium-rate, whatever countries are allowed", (number) => {
    expect(transferDestinationProblem(number, ["US", "CA", "GB", "DE", "AU"])).toMatch(
      /premium-rate/,
    );
  });

  it("tells the Caribbean apart from the US and Canada inside +1", () => {
    expect(countryOf("+17145550111")).toBe("US");
    expect(countryOf("+14165550123")).toBe("CA");
    expect(countryOf("+18765550123")).toBe("JM");
    expect(countryOf("+18095550123")).toBe("DO");
    expect(transferDestinationProblem("+18765550123", US_CA)).toMatch(/in JM/);
  });

  it("allows the US and Canada to a business with a North American number", () => {
    expect(defaultTransferCountries(["+19497071290"])).toEqual(["CA", "US"]);
    expect(transferDestinationProblem("+14165550123", US_CA)).toBeNull();
    expect(transferDestinationProblem("+17145550111", US_CA)).toBeNull();
  });

  it("allows a business abroad its own country by default, and nowhere else", () => {
    const allowed = defaultTransferCountries(["+442071234567"]);
    expect(allowed).toEqual(["GB"]);
    expect(transferDestinationProblem("+442079460000", allowed)).toBeNull();
    expect(transferDestinationProblem("+17145550111", allowed)).toMatch(/in US/);
  });

  it("refuses a destination it cannot name", () => {
    expect(transferDestinationProblem("+2349012345678", ["US", "CA", "GB"])).toMatch(
      /not in a country/,
    );
  });
});
