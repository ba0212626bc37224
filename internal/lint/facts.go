package lint

import (
	"time"

	"github.com/notis-dev/notis/internal/notice"
)

// Fact is a legal fact that holds between two dates: a transfer mechanism
// that can be relied on, an authority or body under a name, a law in
// force. Rules look a fact up with fact(key, law) and ask its Holds or
// Ended for the --as-of day instead of hard-coding dates.
type Fact struct {
	Key  string
	Name string
	// Law is the jurisdiction the fact is about; "" means any. A key can
	// have one fact per law (old SCCs end on different days in the EU and
	// the UK).
	Law notice.Jurisdiction
	// ValidFrom and ValidTo bound the days the fact holds, inclusive
	// (YYYY-MM-DD; empty means open).
	ValidFrom, ValidTo string
	// Event is what ended (or started) it, for messages.
	Event string
	// ReplacedBy says what to use instead once it no longer holds.
	ReplacedBy string
	// Source is where a DPO can check the dates.
	Source string
	// Verified is true when the dates were checked against Source; false
	// marks a date recalled from memory that still needs checking.
	Verified bool
}

// Facts is the dated facts table. Verified entries were checked on
// 22 Nov 2026 against the sources given.
var Facts = []Fact{
	{
		Key: "safe_harbor", Name: "the EU-US Safe Harbor", ValidTo: "2015-10-05",
		Event:      "invalidated by the CJEU on 6 Oct 2015 (C-362/14 Schrems I)",
		ReplacedBy: "uk_dpf_extension (UK) or dpf (EU) for certified US recipients, else uk_idta/uk_addendum (UK) or scc (EU)",
		Source:     "https://www.ippt.eu/items/ippt20200716-cjeu-data-protection-commissioner-v-facebook-ireland (recounts the 6 Oct 2015 Schrems I judgment)",
		Verified:   true,
	},
	{
		Key: "privacy_shield", Name: "the EU-US Privacy Shield", ValidFrom: "2016-07-12", ValidTo: "2020-07-15",
		Event:      "invalidated by the CJEU on 16 Jul 2020 (C-311/18 Schrems II)",
		ReplacedBy: "uk_dpf_extension (UK, from 12 Oct 2023) or dpf (EU, from 10 Jul 2023) for certified US recipients, else uk_idta/uk_addendum (UK) or scc (EU)",
		Source:     "https://eucrim.eu/news/eu-us-data-transfers-cjeu-shatters-privacy-shield-schrems-ii (the end) ; https://www.law-dp.com/en/whats-new/the-cjeu-declared-invalid-the-commission-implementing-decision-eu-2016-1250-of-12-07-2016-on-the-adequacy-of-the-protection-provided-by-the-eu-u-s-privacy-shield/ (the start: Implementing Decision (EU) 2016/1250 of 12 Jul 2016)",
		Verified:   true,
	},
	{
		Key: "scc_2010", Name: "the old (2001/2004/2010) standard contractual clauses", Law: "eu", ValidTo: "2022-12-27",
		Event:      "repealed for new contracts from 27 Sep 2021 and no longer valid for existing ones after 27 Dec 2022 (Decision (EU) 2021/914)",
		ReplacedBy: "scc (the 2021 clauses, Decision (EU) 2021/914)",
		Source:     "https://www.lexblog.com/2021/09/29/old-eu-sccs-now-repealed/ ; https://www.mccannfitzgerald.com/knowledge/gdpr/european-commission-adopts-new-sets-of-standard-contractual-clauses",
		Verified:   true,
	},
	{
		Key: "scc_2010", Name: "the old (2001/2004/2010) standard contractual clauses", Law: "se", ValidTo: "2022-12-27",
		Event:      "repealed for new contracts from 27 Sep 2021 and no longer valid for existing ones after 27 Dec 2022 (Decision (EU) 2021/914)",
		ReplacedBy: "scc (the 2021 clauses, Decision (EU) 2021/914)",
		Source:     "https://www.lexblog.com/2021/09/29/old-eu-sccs-now-repealed/",
		Verified:   true,
	},
	{
		Key: "scc_2010", Name: "the old (2001/2004/2010) standard contractual clauses", Law: "uk", ValidTo: "2024-03-21",
		Event:      "usable for UK transfers under existing contracts only until 21 Mar 2024 (new contracts until 21 Sep 2022)",
		ReplacedBy: "uk_idta, or uk_addendum with the 2021 EU clauses",
		Source:     "https://technologyquotient.freshfields.com/post/102hlwg/the-uks-new-approach-to-international-data-transfer-idta-addendum-and-transit ; https://harperjames.co.uk/article/idta-and-uk-addendum-explained/",
		Verified:   true,
	},
	{
		Key: "scc", Name: "the 2021 EU standard contractual clauses", Law: "eu", ValidFrom: "2021-06-27",
		Event:      "adopted 4 Jun 2021 (Decision (EU) 2021/914), usable from 27 Jun 2021",
		ReplacedBy: "scc_2010 (before 27 Jun 2021)",
		Source:     "https://www.mccannfitzgerald.com/knowledge/gdpr/european-commission-adopts-new-sets-of-standard-contractual-clauses ; https://www.bevanbrittan.com/insights/articles/2021/the-new-european-commission-sccs-what-should-you-know/",
		Verified:   true,
	},
	{
		Key: "scc", Name: "the 2021 EU standard contractual clauses", Law: "se", ValidFrom: "2021-06-27",
		Event:      "adopted 4 Jun 2021 (Decision (EU) 2021/914), usable from 27 Jun 2021",
		ReplacedBy: "scc_2010 (before 27 Jun 2021)",
		Source:     "https://www.mccannfitzgerald.com/knowledge/gdpr/european-commission-adopts-new-sets-of-standard-contractual-clauses",
		Verified:   true,
	},
	{
		Key: "uk_idta", Name: "the UK International Data Transfer Agreement", Law: "uk", ValidFrom: "2022-03-21",
		Event:      "in force 21 Mar 2022",
		ReplacedBy: "scc_2010 (before 21 Mar 2022)",
		Source:     "https://www.dataguidance.com/opinion/uk-idta-and-uk-addendum-eu-sccs-enter-force ; https://www.law365.co/blog/uk-international-data-transfer-agreement-idta-replace-eu-sccs",
		Verified:   true,
	},
	{
		Key: "uk_addendum", Name: "the UK Addendum to the EU standard contractual clauses", Law: "uk", ValidFrom: "2022-03-21",
		Event:      "in force 21 Mar 2022",
		ReplacedBy: "scc_2010 (before 21 Mar 2022)",
		Source:     "https://www.dataguidance.com/opinion/uk-idta-and-uk-addendum-eu-sccs-enter-force",
		Verified:   true,
	},
	{
		Key: "dpf", Name: "the EU-US Data Privacy Framework", Law: "eu", ValidFrom: "2023-07-10",
		Event:      "Commission Implementing Decision (EU) 2023/1795 of 10 Jul 2023 (OJ 2023 L 231, p. 118), for certified US organisations only; upheld by the General Court on 3 Sep 2025 (T-553/23 Latombe), under appeal to the Court of Justice since 31 Oct 2025 (C-703/25 P)",
		ReplacedBy: "scc (before 10 Jul 2023)",
		Source:     "https://eur-lex.europa.eu/eli/C/2025/6610/oj/eng (the appeal, citing the decision and T-553/23, ECLI:EU:T:2025:831) ; https://www.dataprotectionreport.com/2023/07/european-commission-adopts-its-adequacy-decision-for-the-eu-us-data-privacy-framework/",
		Verified:   true,
	},
	{
		Key: "dpf", Name: "the EU-US Data Privacy Framework", Law: "se", ValidFrom: "2023-07-10",
		Event:      "Commission adequacy decision of 10 Jul 2023, for certified US organisations only",
		ReplacedBy: "scc (before 10 Jul 2023)",
		Source:     "https://www.dataprotectionreport.com/2023/07/european-commission-adopts-its-adequacy-decision-for-the-eu-us-data-privacy-framework/",
		Verified:   true,
	},
	{
		Key: "uk_dpf_extension", Name: "the UK Extension to the EU-US Data Privacy Framework", Law: "uk", ValidFrom: "2023-10-12",
		Event:      "Data Protection (Adequacy) (United States of America) Regulations 2023 (SI 2023/1028), in force 12 Oct 2023, for US organisations certified to the UK Extension only",
		ReplacedBy: "uk_idta or uk_addendum (before 12 Oct 2023)",
		Source:     "https://mooreclear.com/articles/advisory-note-05-2023-uk-us-data-bridge/ ; https://www.schofieldsweeney.co.uk/knowledge/data-protection-uk-us-data-bridge-comes-into-force/",
		Verified:   true,
	},
	{
		// The date and its source are the authority registry's, so the
		// lint and the rendered authority cannot disagree.
		Key: "datainspektionen", Name: "Datainspektionen", Law: "se", ValidTo: notice.Authorities["datainspektionen"].ValidTo,
		Event:      "renamed Integritetsskyddsmyndigheten (IMY) on 1 Jan 2021",
		ReplacedBy: "Integritetsskyddsmyndigheten (IMY); supervisory_authority: imy",
		Source:     notice.Authorities["datainspektionen"].Source,
		Verified:   true,
	},
	{
		Key: "dpa_1998", Name: "the Data Protection Act 1998", ValidTo: "2018-05-24",
		Event:      "repealed and replaced by the Data Protection Act 2018, in force with the GDPR on 25 May 2018",
		ReplacedBy: "the UK GDPR and the Data Protection Act 2018",
		Source:     "https://www.legislation.gov.uk/ukpga/2018/12/contents ; https://www.lexology.com/library/detail.aspx?g=6508c33f-f569-42a8-9e4c-902b10f236e7",
		Verified:   true,
	},
	{
		Key: "gdpr", Name: "the GDPR", ValidFrom: "2018-05-25",
		Event:      "applies from 25 May 2018 (Art 99(2))",
		ReplacedBy: "",
		Source:     "https://eur-lex.europa.eu/eli/reg/2016/679/oj (Art 99(2)); https://avtalgdpr.se/category/nyheter/page/7",
		Verified:   true,
	},
	{
		Key: "personuppgiftslagen", Name: "personuppgiftslagen (1998:204)", Law: "se", ValidTo: "2018-05-24",
		Event:      "repealed by dataskyddslagen (2018:218) when the GDPR applied on 25 May 2018",
		ReplacedBy: "the GDPR and dataskyddslagen (2018:218)",
		Source:     "http://retro.lagen.nu/1998:204 (the act's text from Regeringskansliets rättsdatabaser: \"upphävts 2018-05-25 genom SFS 2018:218\")",
		Verified:   true,
	},
	{
		Key: "nhs_ccg", Name: "clinical commissioning groups (CCGs)", Law: "uk", ValidTo: "2022-06-30",
		Event:      "abolished on 1 Jul 2022 and replaced by integrated care boards (Health and Care Act 2022; SI 2022/634)",
		ReplacedBy: "the integrated care board (ICB) that took over the CCG's functions",
		Source:     "https://www.landmarkchambers.co.uk/news-and-cases/clinical-commissioning-groups-are-now-abolished-and-are-replaced-with-integrated-care-boards ; https://www.england.nhs.uk/south-east/legislative-proposals/",
		Verified:   true,
	},
	{
		Key: "nhs_improvement", Name: "NHS Improvement (Monitor and the NHS Trust Development Authority)", Law: "uk", ValidTo: "2022-06-30",
		Event:      "Monitor and the NHS TDA abolished on 1 Jul 2022 and their functions moved to NHS England (Health and Care Act 2022, ss. 33 and 36; SI 2022/734)",
		ReplacedBy: "NHS England",
		Source:     "https://legislation.gov.uk/uksi/2022/734/regulation/12/made ; https://www.legislation.gov.uk/ukpga/2022/31/contents",
		Verified:   true,
	},
	{
		Key: "nhs_rm_code_2016", Name: "the Records Management Code of Practice for Health and Social Care 2016", Law: "uk", ValidTo: "2021-08-03",
		Event:      "replaced by the Records Management Code of Practice 2021, first published 4 Aug 2021 (updated 7 Aug 2023)",
		ReplacedBy: "the current Records Management Code of Practice (2021, updated 2023) and its Appendix II retention schedule",
		Source:     "https://transform.england.nhs.uk/information-governance/guidance/records-management-code/records-management-code-of-practice ; https://www.gov.uk/government/publications/records-management-code-of-practice-for-health-and-social-care",
		Verified:   true,
	},
	{
		Key: "uk_complaints_to_controller", Name: "the duty to handle data protection complaints (DPA 2018 s.164A, inserted by the Data (Use and Access) Act 2025)", Law: "uk", ValidFrom: "2026-06-19",
		Event:      "in force 19 Jun 2026: people complain to the controller first, which acknowledges within 30 days",
		ReplacedBy: "",
		Source:     "https://www.stephensonharwood.com/insights/data-use-and-access-act-2025-new-data-complaint-handling-obligations ; https://hrcentre.uk.brightmine.com/legal-timetable/requirement-for-data-protection-complaints-procedure/167715",
		Verified:   true,
	},
	{
		Key: "sas70", Name: "SAS 70 (service organisation audit reports)", ValidTo: "2011-06-14",
		Event:      "replaced by SSAE 16 and ISAE 3402 (SOC reports) for periods ending on or after 15 Jun 2011",
		ReplacedBy: "the provider's current SOC 2 / ISAE 3402 report, or ISO/IEC 27001 certification",
		Source:     "https://en.wikipedia.org/wiki/SAS_70 ; https://www.globalprivacyblog.com/privacy/goodbye-sas-70-hello-ssae-16-and-introducing-soc2-and-soc3/",
		Verified:   true,
	},
	{
		Key: "ico_legacy_guide", Name: "the ICO's Guide to the GDPR at its 2018 addresses", Law: "uk", ValidTo: "2023-05-18",
		Event:      "broken into smaller guides under /for-organisations/uk-gdpr-guidance-and-resources/ on 19 May 2023",
		ReplacedBy: "the page's current address under https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/",
		Source:     "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/data-protection-principles/data-protection-principles-training-videos/ (\"19 May 2023 - we have broken the Guide to the UK GDPR down into smaller guides\")",
		Verified:   true,
	},
	{
		Key: "hee", Name: "Health Education England (HEE)", Law: "uk", ValidTo: "2023-03-31",
		Event:      "merged into NHS England on 1 Apr 2023 (Health Education England (Transfer of Functions, Abolition and Transitional Provisions) Regulations 2023, SI 2023/368)",
		ReplacedBy: "NHS England (Workforce, Training and Education)",
		Source:     "https://www.digitalhealth.net/2023/03/hee-nhs-england-merger-to-complete-on-1-april/ ; https://www.legislation.gov.uk/uksi/2023/368/contents",
		Verified:   true,
	},
}

// fact finds the fact for a key under a law: the law's own entry, else
// one for any law. ok is false when the table has none.
func fact(key string, law notice.Jurisdiction) (Fact, bool) {
	var general Fact
	found := false
	for _, f := range Facts {
		if f.Key != key {
			continue
		}
		if f.Law == law {
			return f, true
		}
		if f.Law == "" {
			general, found = f, true
		}
	}
	return general, found
}

// Holds reports whether the fact holds on day t.
func (f Fact) Holds(t time.Time) bool {
	d := t.Format("2006-01-02")
	if f.ValidFrom != "" && d < f.ValidFrom {
		return false
	}
	if f.ValidTo != "" && d > f.ValidTo {
		return false
	}
	return true
}

// Ended reports whether the fact had stopped holding by day t.
func (f Fact) Ended(t time.Time) bool {
	return f.ValidTo != "" && t.Format("2006-01-02") > f.ValidTo
}
