import { expect, test } from "@playwright/test";
import { noAxeViolations, personLoggedIn, tinyPdf } from "./support";

test("an employee applies with an attachment, the colleague sees it, another company does not; a request is answered by upload; the decision PDF is downloaded", async ({ browser }, testInfo) => {
  const javaScript = testInfo.project.name !== "no-javascript";
  const anders = await personLoggedIn(browser, javaScript, "/auth/login", "virksomhed-a");

  // Apply with an attachment.
  await anders.goto("/ansoegning/ny");
  await anders.getByLabel("Myndighed").selectOption({ label: "Aalborg (851)" });
  await anders.getByLabel("Ansøgningstype").selectOption({ label: "Garager, carporte, udhuse og lignende (sekundært byggeri)" });
  await anders.getByRole("button", { name: "Fortsæt" }).click();
  await anders.getByLabel("Projektets navn").fill("Udhus med bilag");
  await anders.getByLabel("Ejendommens adresse").fill("Engvej 9, 9000 Aalborg");
  await anders.getByLabel("Matrikelnummer").fill("9a");
  await anders.getByLabel("Beskrivelse af projektet").fill("Udhus på 12 m² i haven.");
  await anders.getByLabel("Bebygget areal").fill("12");
  await anders.getByLabel("Højde").fill("2,4");
  await anders.getByLabel("Anvendelse").selectOption({ label: "Bolig" });
  await anders.getByRole("button", { name: "Videre til gennemsyn" }).click();

  // Something that is not a PDF, PNG or JPEG is refused with the reason beside the field.
  await anders.getByLabel("Vælg en fil").setInputFiles({ name: "plan.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>ikke en pdf</html>") });
  await anders.getByRole("button", { name: "Vedhæft filen" }).click();
  await expect(anders.getByText("Filen er ikke en PDF, PNG eller JPEG. Vælg en anden fil.").first()).toBeVisible();
  await noAxeViolations(anders);

  await anders.getByLabel("Vælg en fil").setInputFiles({ name: "Situationsplan æøå.pdf", mimeType: "application/pdf", buffer: tinyPdf });
  await anders.getByRole("button", { name: "Vedhæft filen" }).click();
  await expect(anders.getByText("Filen er vedhæftet.")).toBeVisible();
  await expect(anders.getByRole("link", { name: "Situationsplan æøå.pdf" })).toBeVisible();
  await noAxeViolations(anders);
  await anders.getByRole("button", { name: "Send ansøgningen" }).click();
  const reference = (await anders.getByTestId("receipt-reference").textContent())!.trim();
  expect(reference).toMatch(/^851-\d{4}-\d{6}-\d$/);
  await anders.goto("/mine-sager");
  await expect(anders.getByTestId("my-cases").getByRole("link", { name: reference })).toBeVisible();

  // The colleague at the same CVR sees the case and downloads the same file.
  const birgitte = await personLoggedIn(browser, javaScript, "/auth/login", "virksomhed-a2");
  await birgitte.goto(`/sager/${reference}`);
  const documentLink = birgitte.getByTestId("documents").getByRole("link", { name: "Situationsplan æøå.pdf" });
  await expect(documentLink).toBeVisible();
  const documentPath = (await documentLink.getAttribute("href"))!;
  const download = await birgitte.request.get(documentPath);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toBe("application/pdf");
  expect(Buffer.compare(await download.body(), tinyPdf)).toBe(0);

  // Another company gets "not found" for the page and for the document.
  const bo = await personLoggedIn(browser, javaScript, "/auth/login", "virksomhed-b");
  const refused = await bo.goto(`/sager/${reference}`);
  expect(refused?.status()).toBe(404);
  await expect(bo.getByRole("heading", { level: 1 })).toHaveText("Sagen findes ikke");
  expect((await bo.request.get(documentPath)).status()).toBe(404);

  // The authority asks for two things.
  const caseworker = await personLoggedIn(browser, javaScript, "/auth/staff/login", "sagsbehandler-851");
  await expect(caseworker.getByRole("heading", { level: 1 })).toHaveText("Sagskø — Aalborg");
  await caseworker.getByLabel("Søg", { exact: true }).fill(reference);
  await caseworker.getByRole("button", { name: "Vis sager" }).click();
  await expect(caseworker.getByTestId("queue-total")).toHaveText("1 sag");
  await noAxeViolations(caseworker);
  await caseworker.goto(`/sagsbehandling/sager/${reference}`);
  await caseworker.getByLabel("Sagsnummer i ESDH").fill(`ESDH-${reference}`);
  await caseworker.getByRole("button", { name: "Registrer sagen" }).click();
  await expect(caseworker.getByTestId("state")).toHaveText(/^Registreret/);
  await noAxeViolations(caseworker);
  await caseworker.getByLabel("Følgebrev til ansøgeren").fill("Vi mangler to ting, før vi kan behandle sagen.");
  await caseworker.getByLabel("Punkt 1", { exact: true }).fill("Facadetegning");
  await caseworker.getByLabel("Frist for punkt 1", { exact: true }).fill("2099-01-15");
  await caseworker.getByLabel("Punkt 2", { exact: true }).fill("Afstand til skel");
  await caseworker.getByLabel("Frist for punkt 2", { exact: true }).fill("2099-01-15");
  await caseworker.getByRole("button", { name: "Anmod om oplysninger" }).click();
  await expect(caseworker.getByTestId("must-act")).toHaveText("Ansøger");

  // The applicant answers both by upload; the case goes back to the authority.
  await anders.goto(`/sager/${reference}`);
  await expect(anders.getByTestId("must-act")).toHaveText("Ansøger");
  await noAxeViolations(anders);
  const first = anders.locator("form.answer-form").first();
  await first.getByLabel("Vedhæft en fil").setInputFiles({ name: "facade.pdf", mimeType: "application/pdf", buffer: tinyPdf });
  await first.getByLabel("Kommentar").fill("Facadetegningen er vedhæftet.");
  await first.getByRole("button", { name: "Send svar" }).click();
  await expect(anders.getByText("Tak, dit svar er modtaget.")).toBeVisible();
  await expect(anders.getByTestId("must-act")).toHaveText("Ansøger");

  const second = anders.locator("form.answer-form").first();
  await second.getByLabel("Vedhæft en fil").setInputFiles({ name: "skel.pdf", mimeType: "application/pdf", buffer: tinyPdf });
  await second.getByRole("button", { name: "Send svar" }).click();
  await expect(anders.getByText("Tak, alle punkter er besvaret. Sagen ligger nu hos myndigheden igen.")).toBeVisible();
  await expect(anders.getByTestId("must-act")).toHaveText("Myndigheden");
  await expect(anders.getByTestId("timeline")).toContainText("Oplysningerne er modtaget");
  await expect(anders.getByTestId("documents").getByRole("link", { name: "skel.pdf" })).toBeVisible();

  // The caseworker sees the answers, declares the application complete and decides.
  await caseworker.reload();
  await expect(caseworker.getByTestId("must-act")).toHaveText("Myndigheden");
  await expect(caseworker.getByTestId("documents").getByRole("link", { name: "facade.pdf" })).toBeVisible();
  await caseworker.getByRole("button", { name: "Erklær fuldt oplyst" }).click();
  await expect(caseworker.getByText("Udført: Erklær fuldt oplyst.")).toBeVisible();
  await caseworker.getByLabel("Udfald").selectOption({ label: "Tilladelse med vilkår" });
  await caseworker.getByLabel("Overskrift").fill("Tilladelse til udhus");
  await caseworker.getByLabel("Afgørelsen og begrundelsen").fill("Udhuset må opføres som ansøgt, og skellet er overholdt.");
  await caseworker.getByLabel("Vilkår (ét pr. linje)").fill("Tagvand nedsives på egen grund.");
  await caseworker.getByLabel("Lovgrundlag").fill("Byggeloven og BR18");
  await caseworker.getByRole("button", { name: "Træf afgørelse" }).click();
  await expect(caseworker.getByTestId("state")).toHaveText(/^Afgjort/);
  await noAxeViolations(caseworker);

  // The applicant downloads the decision letter from the folder.
  await anders.goto(`/sager/${reference}`);
  const decisionLink = anders.getByTestId("decision").getByRole("link", { name: "Hent afgørelsen (PDF)" });
  await expect(decisionLink).toBeVisible();
  const letter = await anders.request.get((await decisionLink.getAttribute("href"))!);
  expect(letter.status()).toBe(200);
  expect(letter.headers()["content-type"]).toBe("application/pdf");
  const bytes = await letter.body();
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(bytes.length).toBeGreaterThan(5000);
  // Another company cannot fetch it.
  expect((await bo.request.get(`/sager/${reference}/afgoerelse.pdf`)).status()).toBe(404);
});
