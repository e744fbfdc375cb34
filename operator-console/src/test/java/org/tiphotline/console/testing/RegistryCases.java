package org.tiphotline.console.testing;

import tools.jackson.databind.JsonNode;

/** Finding, over HTTP as the data management leader, the registry case a submitted report became. */
public final class RegistryCases {

    private RegistryCases() {
    }

    /** The id of the case that holds {@code report}; waits up to 5 s, since a report joins the registry just after. */
    public static String caseOf(String base, String report) throws InterruptedException {
        ConsoleClient leader = ConsoleClient.login(base, "leader", "leader-demo");
        for (int i = 0; i < 100; i++) {
            for (JsonNode c : leader.get("/api/cases").body()) {
                JsonNode full = leader.get("/api/cases/" + c.get("id").asString()).body().get("case");
                if (full.get("sources").get(0).get("report").asString().equals(report)) {
                    return c.get("id").asString();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the report did not become a case");
    }

    /** The case number (C-…) of the case that holds {@code report}, read from the database; waits up to 5 s. */
    public static String referenceOf(org.jooq.DSLContext db, String report) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            org.jooq.Record r = db.fetchOne("select c.reference from hotline.case_source s "
                    + "join hotline.registry_case c on c.id = s.case_id where s.hotline_report_id = ?::uuid", report);
            if (r != null) {
                return r.get(0, String.class);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the report did not become a case");
    }
}
