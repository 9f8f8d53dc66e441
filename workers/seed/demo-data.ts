/**
 * Demo tenants for local development and the offline demo. One caller number
 * (+19495550100) calls all three businesses: three unrelated callers in three databases.
 */
export const SHARED_CALLER_PHONE = "+19495550100";

export interface DemoCaller {
  phone: string;
  profile: Record<string, unknown>;
  memories: { type: string; key: string; value: string }[];
}

export interface DemoTenant {
  id: string;
  slug: string;
  businessName: string;
  agentName: string;
  template: { name: string; version: number };
  phoneNumber: string;
  binding: string;
  greeting: string;
  voice: string;
  /** Who gets the call summaries by SMS (fictional 555 numbers). */
  smsRecipients: string[];
  callers: DemoCaller[];
}

export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    id: "tnt_demo_peterson",
    slug: "peterson-family-insurance",
    businessName: "Peterson Family Insurance",
    agentName: "Barbara",
    template: { name: "insurance", version: 1 },
    phoneNumber: "+19497071290",
    binding: "TENANT_PETERSON",
    greeting:
      "Hi {caller_first_name}, thanks for calling {business_name}. This is {agent_name}, how can I help?",
    voice: "coral",
    smsRecipients: ["+19495550199"],
    callers: [
      {
        phone: SHARED_CALLER_PHONE,
        profile: {
          first_name: "John",
          last_name: "Smith",
          county: "Orange County",
          city: "Irvine",
          client_since: 2020,
          vehicles: [{ vin: "4T1BF1FK5CU123456", year: 2012, make: "Toyota", model: "Camry" }],
          policies: [
            { policy_number: "PFI-AUTO-1001", type: "auto", carrier: "Safeco", status: "active" },
            { policy_number: "PFI-AUTO-1002", type: "auto", carrier: "Safeco", status: "active" },
            {
              policy_number: "PFI-HOME-2001",
              type: "home",
              carrier: "Travelers",
              status: "active",
            },
          ],
        },
        memories: [
          { type: "preference", key: "contact_time", value: "Prefers calls after 5pm on weekdays" },
          { type: "fact", key: "vehicle", value: "Drives a 2012 Toyota Camry" },
          {
            type: "open_item",
            key: "callback",
            value: "Asked for a quote on adding his daughter as a driver",
          },
        ],
      },
      {
        phone: "+17145550123",
        profile: {
          first_name: "Maria",
          last_name: "Lopez",
          county: "Orange County",
          client_since: 2018,
        },
        memories: [{ type: "fact", key: "claim", value: "Filed a windshield claim in March" }],
      },
    ],
  },
  {
    id: "tnt_demo_smith",
    slug: "smith-insurance-agency",
    businessName: "Smith Insurance Agency",
    agentName: "Alex",
    template: { name: "insurance", version: 1 },
    phoneNumber: "+13105550142",
    binding: "TENANT_SMITH",
    greeting:
      "Thank you for calling {business_name}, this is {agent_name}. How may I help you today?",
    voice: "sage",
    smsRecipients: [],
    callers: [
      {
        phone: SHARED_CALLER_PHONE,
        profile: {
          first_name: "Jennifer",
          last_name: "Wu",
          county: "Los Angeles County",
          client_since: 2023,
        },
        memories: [
          {
            type: "fact",
            key: "business",
            value: "Owns a bakery and wants a business owner's policy",
          },
        ],
      },
    ],
  },
  {
    id: "tnt_demo_johnson",
    slug: "johnson-realty",
    businessName: "Johnson Realty",
    agentName: "Riley",
    template: { name: "real_estate", version: 1 },
    phoneNumber: "+16195550177",
    binding: "TENANT_JOHNSON",
    greeting:
      "Hi {caller_first_name}! You've reached {business_name}, I'm {agent_name}. Are you looking to buy or sell?",
    voice: "marin",
    smsRecipients: ["+16195550188"],
    callers: [
      {
        phone: SHARED_CALLER_PHONE,
        profile: {
          first_name: "Sam",
          last_name: "Patel",
          role: "buyer",
          preferred_areas: "San Diego",
          budget_max: 900000,
          bedrooms_min: 3,
        },
        memories: [
          {
            type: "preference",
            key: "home_search",
            value: "Looking for a 3-bedroom house near good schools under $900k",
          },
          {
            type: "open_item",
            key: "showing",
            value: "Wants to see 1234 Ocean View Dr on Saturday",
          },
        ],
      },
    ],
  },
];
