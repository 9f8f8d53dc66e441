import { describe, expect, it } from "vitest";
import {
  applyProfilePatch,
  missingRequired,
  renderBio,
  validateProfile,
} from "../../workers/templates/profile";
import { template } from "./support";

const insurance = template("insurance");
const VIN = "1HGCM82633A004352";

describe("validateProfile", () => {
  it("accepts a realistic insurance profile", () => {
    const result = validateProfile(insurance, {
      first_name: "John",
      last_name: "Smith",
      phone: "(949) 555-0100",
      email: "John.Smith@Example.com",
      city: "Irvine",
      county: "Orange County",
      state: "ca",
      zip: "92618",
      client_since: 2020,
      preferred_contact: "sms",
      vehicles: [{ vin: VIN, year: 2019, make: "Toyota", model: "Camry", usage: "commute" }],
      policies: [
        { policy_number: "PA-1001", type: "auto", carrier: "Travelers", premium: 1420.5 },
        { policy_number: "HO-2002", type: "home", renewal_date: "2026-03-01", status: "active" },
      ],
      drivers: [{ first_name: "Jane", last_name: "Smith", relationship: "spouse" }],
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.profile.phone).toBe("+19495550100");
      expect(result.profile.email).toBe("john.smith@example.com");
      expect(result.profile.state).toBe("CA");
    }
  });

  it("accepts a realistic real-estate profile", () => {
    const result = validateProfile(template("real_estate"), {
      first_name: "Maria",
      last_name: "Lopez",
      role: "buyer",
      budget_min: 450000,
      budget_max: 650000,
      pre_approved: true,
      timeline: "within_3_months",
      bedrooms_min: 3,
      properties: [{ address: "12 Ocean View Dr", city: "Laguna Beach", interest: "showing" }],
      showings: [{ address: "12 Ocean View Dr", date: "2026-07-11", time: "14:30" }],
    });
    expect(result).toMatchObject({ ok: true });
  });

  it("accepts a realistic mortgage profile", () => {
    const result = validateProfile(template("mortgage"), {
      first_name: "Sam",
      last_name: "Lee",
      loan_purpose: "refinance",
      loan_amount: 380000,
      credit_range: "700_759",
      pre_approval_status: "pre_approved",
      pre_approval_amount: 400000,
      pre_approval_expiry: "2026-09-30",
      employment_status: "self_employed",
      properties: [{ address: "5 Elm St", state: "tx", occupancy: "primary" }],
    });
    expect(result).toMatchObject({ ok: true });
  });

  it("accepts a realistic medical/dental profile", () => {
    const result = validateProfile(template("medical_dental"), {
      first_name: "Ana",
      last_name: "Ruiz",
      date_of_birth: "1988-02-29",
      insurance_provider: "Delta Dental",
      member_id: "dd123456",
      appointments: [{ date: "2026-07-14", time: "09:00", type: "cleaning", status: "scheduled" }],
    });
    expect(result).toMatchObject({ ok: true });
  });

  it("rejects a vehicle with a 16-character VIN and names the path", () => {
    const result = validateProfile(insurance, {
      first_name: "John",
      last_name: "Smith",
      vehicles: [{ vin: VIN.slice(0, 16), year: 2019, make: "Toyota", model: "Camry" }],
    });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: "vehicles.0.vin", message: "must be exactly 17 characters (got 16)" }],
    });
  });

  it("rejects a field the template does not have", () => {
    const result = validateProfile(insurance, { first_name: "John", last_name: "Smith", ssn: "1" });
    expect(result).toMatchObject({ ok: false, issues: [{ path: "ssn" }] });
  });

  it("says a required field is required in a complete profile", () => {
    const result = validateProfile(insurance, { first_name: "John" });
    expect(result).toEqual({ ok: false, issues: [{ path: "last_name", message: "is required" }] });
  });

  it("accepts a profile still missing required fields when validated as partial", () => {
    expect(validateProfile(insurance, { first_name: "John" }, { partial: true }).ok).toBe(true);
  });

  it("rejects an impossible date", () => {
    const result = validateProfile(template("medical_dental"), {
      first_name: "Ana",
      last_name: "Ruiz",
      date_of_birth: "1987-02-29",
    });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: "date_of_birth", message: "must be a date as YYYY-MM-DD" }],
    });
  });

  it("rejects an enum value outside the list and lists the choices", () => {
    const result = validateProfile(insurance, {
      first_name: "John",
      last_name: "Smith",
      preferred_contact: "fax",
    });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: "preferred_contact", message: "must be one of: phone, sms, email" }],
    });
  });

  it("refuses two vehicles with the same VIN", () => {
    const car = { vin: VIN, year: 2019, make: "Toyota", model: "Camry" };
    const result = validateProfile(insurance, {
      first_name: "John",
      last_name: "Smith",
      vehicles: [car, { ...car, vin: VIN.toLowerCase() }],
    });
    expect(result).toMatchObject({ ok: false, issues: [{ path: "vehicles.1" }] });
  });
});

describe("applyProfilePatch", () => {
  it("merges the same VIN mentioned in three calls into one vehicle", () => {
    let profile = {};
    for (const mention of [
      { vin: VIN.toLowerCase(), year: 2019 },
      { vin: ` ${VIN} `, make: "Toyota" },
      { vin: VIN, model: "Camry" },
    ]) {
      profile = applyProfilePatch(insurance, profile, { vehicles: [mention] }).profile;
    }
    expect(profile).toEqual({
      vehicles: [{ vin: VIN, year: 2019, make: "Toyota", model: "Camry" }],
    });
  });

  it("appends a vehicle with a new VIN", () => {
    const first = applyProfilePatch(insurance, {}, { vehicles: [{ vin: VIN, make: "Honda" }] });
    const second = applyProfilePatch(insurance, first.profile, {
      vehicles: [{ vin: "JH4KA9650MC012345", make: "Acura" }],
    });
    expect(second.profile.vehicles).toHaveLength(2);
  });

  it("keeps the good fields of a patch and rejects the bad one with path and reason", () => {
    const result = applyProfilePatch(
      insurance,
      { first_name: "John" },
      { last_name: "Smith", email: "not an email", client_since: 2020 },
    );
    expect(result.profile).toEqual({ first_name: "John", last_name: "Smith", client_since: 2020 });
    expect(result.applied).toEqual(["last_name", "client_since"]);
    expect(result.rejected).toEqual([{ path: "email", message: "must be an email address" }]);
  });

  it("rejects one bad vehicle and still adds the good one", () => {
    const result = applyProfilePatch(
      insurance,
      {},
      {
        vehicles: [
          { vin: "123", make: "Ford" },
          { vin: VIN, make: "Honda" },
        ],
      },
    );
    expect(result.profile).toEqual({ vehicles: [{ vin: VIN, make: "Honda" }] });
    expect(result.rejected).toEqual([
      { path: "vehicles.0.vin", message: "must be exactly 17 characters (got 3)" },
    ]);
    expect(result.applied).toEqual(["vehicles.1"]);
  });

  it("rejects a vehicle without a VIN because the VIN identifies it", () => {
    const result = applyProfilePatch(insurance, {}, { vehicles: [{ make: "Ford" }] });
    expect(result.rejected).toEqual([{ path: "vehicles.0.vin", message: "is required" }]);
    expect(result.profile).toEqual({});
  });

  it("clears a field when the patch sets it to null", () => {
    const result = applyProfilePatch(
      insurance,
      { first_name: "John", email: "j@x.com" },
      {
        email: null,
      },
    );
    expect(result.profile).toEqual({ first_name: "John" });
    expect(result.applied).toEqual(["email"]);
  });

  it("removes a policy by its number", () => {
    const current = {
      policies: [
        { policy_number: "PA-1", type: "auto" },
        { policy_number: "HO-2", type: "home" },
      ],
    };
    const result = applyProfilePatch(insurance, current, {
      policies: [{ policy_number: "pa-1", _remove: true }],
    });
    expect(result.profile).toEqual({ policies: [{ policy_number: "HO-2", type: "home" }] });
  });

  it("says so when asked to remove a policy it does not have", () => {
    const result = applyProfilePatch(
      insurance,
      {},
      {
        policies: [{ policy_number: "PA-9", _remove: true }],
      },
    );
    expect(result.rejected).toEqual([
      { path: "policies.0", message: "no policy with policy_number PA-9" },
    ]);
  });

  it("merges showings by address and date regardless of case and spacing", () => {
    const realEstate = template("real_estate");
    const first = applyProfilePatch(
      realEstate,
      {},
      {
        showings: [{ address: "12 Ocean View Dr", date: "2026-07-11", status: "requested" }],
      },
    );
    const second = applyProfilePatch(realEstate, first.profile, {
      showings: [{ address: "12  ocean view dr", date: "2026-07-11", time: "14:30" }],
    });
    expect(second.profile.showings).toEqual([
      { address: "12 Ocean View Dr", date: "2026-07-11", status: "requested", time: "14:30" },
    ]);
  });

  it("does not reject a patch because other required fields are still missing", () => {
    const result = applyProfilePatch(insurance, {}, { county: "Orange County" });
    expect(result.rejected).toEqual([]);
    expect(missingRequired(insurance, result.profile)).toEqual(["first_name", "last_name"]);
  });

  it("lists the required fields a vehicle still lacks", () => {
    const result = applyProfilePatch(
      insurance,
      { first_name: "J", last_name: "S" },
      {
        vehicles: [{ vin: VIN, make: "Honda" }],
      },
    );
    expect(missingRequired(insurance, result.profile)).toEqual([
      "vehicles.0.year",
      "vehicles.0.model",
    ]);
  });

  it("rejects a key the template does not have", () => {
    const result = applyProfilePatch(insurance, {}, { favourite_colour: "blue" });
    expect(result.rejected).toEqual([
      { path: "favourite_colour", message: "is not a field of the Insurance agency template" },
    ]);
  });

  it("refuses a new vehicle once the group is full", () => {
    const vehicles = Array.from({ length: 20 }, (_, i) => ({
      vin: `1HGCM82633A${String(i).padStart(6, "0")}`,
    }));
    const result = applyProfilePatch(insurance, { vehicles }, { vehicles: [{ vin: VIN }] });
    expect(result.rejected).toEqual([
      { path: "vehicles.0", message: "already holds the most vehicles (20)" },
    ]);
  });

  it("does not change the profile it was given", () => {
    const current = { vehicles: [{ vin: VIN, make: "Honda" }] };
    applyProfilePatch(insurance, current, { vehicles: [{ vin: VIN, make: "Acura" }] });
    expect(current.vehicles[0]?.make).toBe("Honda");
  });

  it("stores an enum value the model capitalised in its canonical spelling", () => {
    const result = applyProfilePatch(
      insurance,
      {},
      {
        policies: [{ policy_number: "A1", type: "Auto" }],
      },
    );
    expect(result.profile.policies).toEqual([{ policy_number: "A1", type: "auto" }]);
  });
});

describe("renderBio", () => {
  it("renders the insurance bio line", () => {
    const bio = renderBio(insurance, {
      first_name: "John",
      last_name: "Smith",
      county: "Orange County",
      client_since: 2020,
      policies: [
        { policy_number: "A1", type: "auto" },
        { policy_number: "H1", type: "home" },
        { policy_number: "A2", type: "auto" },
      ],
    });
    expect(bio).toBe("John Smith | Orange County | 2 Auto + 1 Home | Client since 2020");
  });

  it("leaves out segments it knows nothing about", () => {
    expect(renderBio(insurance, { first_name: "John" })).toBe("John");
  });

  it("renders an empty bio for an empty profile", () => {
    expect(renderBio(insurance, {})).toBe("");
  });

  it("counts properties and showings in the real-estate bio", () => {
    const bio = renderBio(template("real_estate"), {
      first_name: "Maria",
      last_name: "Lopez",
      role: "buyer",
      budget_max: 650000,
      properties: [
        { address: "1 A St", interest: "buying" },
        { address: "2 B St", interest: "buying" },
      ],
      showings: [{ address: "1 A St", date: "2026-07-11" }],
    });
    expect(bio).toBe("Maria Lopez | buyer | Budget up to $650,000 | 2 Buying | 1 showing");
  });

  it("renders the mortgage bio with readable enum values", () => {
    const bio = renderBio(template("mortgage"), {
      first_name: "Sam",
      last_name: "Lee",
      loan_purpose: "cash_out_refinance",
      loan_amount: 380000,
      properties: [{ address: "5 Elm St" }, { address: "9 Oak St" }],
    });
    expect(bio).toBe("Sam Lee | cash out refinance | Loan $380,000 | 2 properties");
  });

  it("renders the medical/dental bio", () => {
    const bio = renderBio(template("medical_dental"), {
      first_name: "Ana",
      last_name: "Ruiz",
      date_of_birth: "1988-02-29",
      insurance_provider: "Delta Dental",
      appointments: [{ date: "2026-07-14", time: "09:00", type: "cleaning" }],
    });
    expect(bio).toBe("Ana Ruiz | DOB 1988-02-29 | Delta Dental | 1 appointment");
  });
});
