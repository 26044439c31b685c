// DemoCorpus — CoreKnowledge.swift
// Owns the knowledge layer emitted at the start of every corpus (all to the Default feed): the TLP
// 2.0 marking definitions, the hub / member / vendor identities and anonymised sector identities,
// Japan locations, ATT&CK attack patterns, CVE vulnerabilities, courses of action, malware, tools,
// threat actors, intrusion sets and campaigns, with the relationships that tie them together.

extension CorpusBuilder {
    static let sectorNames: [(ja: String, en: String, stix: [String])] = [
        ("電力", "Electric power", ["energy", "utilities"]),
        ("ガス", "Gas", ["utilities"]),
        ("化学", "Chemicals", ["chemical"]),
        ("石油", "Oil", ["energy"]),
        ("重要インフラ機器製造", "Critical-infrastructure equipment manufacturing", ["manufacturing", "infrastructure"]),
        ("通信", "Telecommunications", ["telecommunications"]),
        ("放送", "Broadcasting", ["communications"]),
        ("金融", "Finance", ["financial-services"]),
    ]

    mutating func buildCore() {
        let feed = "Default"
        for tlp in DemoTLP.allCases { emit(feed, tlp.markingDefinitionJSON) }

        var t = DemoTime.windowStart + DemoTime.millisPerDay + Int64(rng.int(Int(8 * DemoTime.millisPerHour)))
        func tick(_ b: inout CorpusBuilder, _ t: inout Int64) -> Int64 {
            t += Int64(b.rng.int(in: 5...90)) * 60_000
            return t
        }

        // Identities: the hub first, so everything after can name it as creator.
        let orgs = DemoOrganization.all
        ids.organizations = []
        for i in orgs.indices {
            ids.organizations.append(i == DemoOrganization.hubIndex ? DemoCorpus.hubIdentityID : rng.stixID("identity"))
        }
        ids.hub = DemoCorpus.hubIdentityID
        emit(feed, CorpusBuilder.organizationJSON(DemoOrganization.hubIndex, id: ids.hub, createdBy: nil,
                                                  created: DemoTime.windowStart))
        for i in orgs.indices where i != DemoOrganization.hubIndex {
            emit(feed, CorpusBuilder.organizationJSON(i, id: ids.organizations[i], createdBy: ids.hub,
                                                      created: tick(&self, &t)))
        }
        for sector in CorpusBuilder.sectorNames {
            let id = rng.stixID("identity")
            ids.sectors[sector.ja] = id
            let created = tick(&self, &t)
            var o = JSONObject()
            header(&o, type: "identity", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", "\(sector.ja)分野")
            o.string("description", CorpusBuilder.bilingual(
                "\(sector.ja)分野の組織（匿名化された標的・観測組織の表現）。",
                "Organisations of the \(sector.en.lowercased()) sector (anonymised target or observer)."))
            o.string("identity_class", "class")
            o.strings("sectors", sector.stix)
            o.string("lang", "ja")
            markings(&o, .clear)
            emit(feed, o.text())
        }

        // Locations.
        ids.japan = rng.stixID("location")
        ids.tokyo = rng.stixID("location")
        for (id, isCity) in [(ids.japan, false), (ids.tokyo, true)] {
            let created = tick(&self, &t)
            var o = JSONObject()
            header(&o, type: "location", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", isCity ? "東京都 (Tokyo)" : "日本 (Japan)")
            o.string("region", "eastern-asia")
            o.string("country", "JP")
            if isCity {
                o.string("administrative_area", "JP-13")
                o.string("city", "Tokyo")
            }
            markings(&o, .clear)
            emit(feed, o.text())
        }

        // ATT&CK techniques.
        for tech in ThreatCatalog.techniques {
            let id = rng.stixID("attack-pattern")
            ids.techniques.append(id)
            let created = tick(&self, &t)
            var o = JSONObject(capacity: 700)
            header(&o, type: "attack-pattern", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", tech.name)
            o.string("description", CorpusBuilder.bilingual("\(tech.nameJa)（MITRE ATT&CK \(tech.id)）。",
                                                             "MITRE ATT&CK technique \(tech.id): \(tech.name)."))
            var ref = JSONObject(capacity: 160)
            ref.string("source_name", "mitre-attack")
            ref.string("url", "https://attack.mitre.org/techniques/\(tech.id.replacingAll(".", with: "/"))/")
            ref.string("external_id", tech.id)
            o.objects("external_references", [ref])
            o.objects("kill_chain_phases", tech.phases.map { phase in
                var p = JSONObject(capacity: 64)
                p.string("kill_chain_name", "mitre-attack")
                p.string("phase_name", phase)
                return p
            })
            markings(&o, .clear)
            emit(feed, o.text())
        }

        // Vulnerabilities.
        for vuln in ThreatCatalog.vulnerabilities {
            let id = rng.stixID("vulnerability")
            ids.vulnerabilities.append(id)
            let created = tick(&self, &t)
            var o = JSONObject()
            header(&o, type: "vulnerability", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", vuln.cve)
            o.string("description", CorpusBuilder.bilingual(vuln.descriptionJa, vuln.descriptionEn))
            var ref = JSONObject(capacity: 160)
            ref.string("source_name", "cve")
            ref.string("url", "https://nvd.nist.gov/vuln/detail/\(vuln.cve)")
            ref.string("external_id", vuln.cve)
            o.objects("external_references", [ref])
            markings(&o, .clear)
            emit(feed, o.text())
        }

        // Malware and tools.
        for m in ThreatCatalog.malware {
            let id = rng.stixID("malware")
            ids.malware.append(id)
            let created = tick(&self, &t)
            var o = JSONObject(capacity: 700)
            header(&o, type: "malware", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", m.name)
            o.string("description", CorpusBuilder.bilingual(m.descriptionJa, m.descriptionEn))
            o.strings("malware_types", m.types)
            o.bool("is_family", true)
            o.timestamp("first_seen", created - days(30...400))
            o.strings("capabilities", m.capabilities)
            o.strings("architecture_execution_envs", m.types.contains("bot") ? ["arm", "mips"] : ["x86-64"])
            o.strings("implementation_languages", m.types.contains("webshell") ? ["php"] : [rng.pick(["c++", "c", "go", "c#"])])
            markings(&o, .green)
            emit(feed, o.text())
        }
        for tool in ThreatCatalog.tools {
            let id = rng.stixID("tool")
            ids.tools.append(id)
            let created = tick(&self, &t)
            var o = JSONObject()
            header(&o, type: "tool", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", tool.name)
            o.string("description", CorpusBuilder.bilingual(tool.descriptionJa, tool.descriptionEn))
            o.strings("tool_types", tool.types)
            markings(&o, .clear)
            emit(feed, o.text())
        }
        for (i, m) in ThreatCatalog.malware.enumerated() {
            for tech in m.techniques {
                emitRelationship(feed, "uses", from: ids.malware[i], to: ids.techniques[tech], at: tick(&self, &t), marking: .green)
            }
        }

        // Courses of action.
        for coa in ThreatCatalog.coursesOfAction {
            let id = rng.stixID("course-of-action")
            ids.coursesOfAction.append(id)
            let created = tick(&self, &t)
            var o = JSONObject()
            header(&o, type: "course-of-action", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", coa.nameJa)
            o.string("description", CorpusBuilder.bilingual(coa.descriptionJa, coa.descriptionEn))
            markings(&o, .clear)
            emit(feed, o.text())
            for tech in coa.mitigatesTechniques {
                emitRelationship(feed, "mitigates", from: id, to: ids.techniques[tech], at: created, marking: .clear)
            }
            for vuln in coa.mitigatesVulnerabilities {
                emitRelationship(feed, "mitigates", from: id, to: ids.vulnerabilities[vuln], at: created, marking: .clear)
            }
        }

        // Threat actors and intrusion sets.
        for actor in ThreatCatalog.actors {
            let id = rng.stixID("threat-actor")
            ids.actors.append(id)
            let created = tick(&self, &t)
            var o = JSONObject(capacity: 800)
            header(&o, type: "threat-actor", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", actor.name)
            o.string("description", CorpusBuilder.bilingual("\(actor.nameJa): \(actor.descriptionJa)", actor.descriptionEn))
            o.strings("threat_actor_types", actor.types)
            o.strings("aliases", [actor.nameJa] + actor.aliases)
            o.timestamp("first_seen", created - days(200...900))
            o.strings("roles", ["agent"])
            o.string("sophistication", actor.sophistication)
            o.string("resource_level", actor.resourceLevel)
            o.string("primary_motivation", actor.motivation)
            markings(&o, .green)
            emit(feed, o.text())
            emitRelationship(feed, "targets", from: id, to: ids.japan, at: created, marking: .green)
        }
        for set in ThreatCatalog.intrusionSets {
            let id = rng.stixID("intrusion-set")
            ids.intrusionSets.append(id)
            let created = tick(&self, &t)
            var o = JSONObject(capacity: 800)
            header(&o, type: "intrusion-set", id: id, createdBy: ids.hub, created: created, modified: created)
            o.string("name", set.name)
            o.string("description", CorpusBuilder.bilingual(set.descriptionJa, set.descriptionEn))
            o.strings("aliases", set.aliases)
            o.timestamp("first_seen", created - days(100...700))
            o.strings("goals", set.goalsJa)
            o.string("resource_level", set.resourceLevel)
            o.string("primary_motivation", set.motivation)
            markings(&o, .green)
            emit(feed, o.text())
            emitRelationship(feed, "attributed-to", from: id, to: ids.actors[set.actor], at: created, marking: .amber)
            for m in set.malware { emitRelationship(feed, "uses", from: id, to: ids.malware[m], at: created, marking: .green) }
            for tool in set.tools { emitRelationship(feed, "uses", from: id, to: ids.tools[tool], at: created, marking: .green) }
            for tech in set.techniques {
                emitRelationship(feed, "uses", from: id, to: ids.techniques[tech], at: created, marking: .green)
            }
        }

        // Campaigns: targets are anonymised sector identities plus Japan, never a member.
        for (ci, c) in ThreatCatalog.campaigns.enumerated() {
            let id = rng.stixID("campaign")
            let created = tick(&self, &t)
            let firstSeen = created - days(5...240)
            let record = CampaignRecord(id: id, created: created, modified: created, firstSeen: firstSeen,
                                        lastSeen: created - days(0...4))
            campaigns.append(record)
            emitCampaign(ci)
            emitRelationship(feed, "attributed-to", from: id, to: ids.intrusionSets[c.intrusionSet], at: created, marking: .amber)
            let sectorTargets = Set(c.targets.map { sectorIdentity(ofOrganization: $0) })
            for s in sectorTargets.sorted() { emitRelationship(feed, "targets", from: id, to: s, at: created, marking: .amber) }
            emitRelationship(feed, "targets", from: id, to: ids.japan, at: created, marking: .green)
            for m in c.malware { emitRelationship(feed, "uses", from: id, to: ids.malware[m], at: created, marking: .amber) }
            for tool in c.tools { emitRelationship(feed, "uses", from: id, to: ids.tools[tool], at: created, marking: .amber) }
            for v in c.vulnerabilities {
                emitRelationship(feed, "targets", from: id, to: ids.vulnerabilities[v], at: created, marking: .green)
            }
        }
        coreEnd = max(t, DemoTime.windowStart + 30 * DemoTime.millisPerDay)
        now = coreEnd
    }

    /// The identity object of organisation `index` (the hub's is seed-independent: fixed id and time).
    static func organizationJSON(_ index: Int, id: String, createdBy: String?, created: Int64) -> String {
        let org = DemoOrganization.all[index]
        let role = org.role == "member" ? (ja: "\(org.sector)分野の会員組織", en: "member organisation")
            : org.role == "vendor" ? (ja: "バンキングマルウェア情報の提供元（セキュリティベンダ）", en: "intelligence provider (security vendor)")
            : (ja: "本情報共有ハブの運営者", en: "operator of this information-sharing hub")
        var o = JSONObject()
        o.string("type", "identity")
        o.string("spec_version", "2.1")
        o.string("id", id)
        o.string("created_by_ref", ifPresent: createdBy)
        o.timestamp("created", created)
        o.timestamp("modified", created)
        o.string("name", org.nameJa)
        o.string("description", bilingual("\(role.ja)（\(org.nameJa)）。", "\(org.name): \(role.en)."))
        o.strings("roles", [org.role == "operator" ? "information-sharing-hub" : org.role])
        o.string("identity_class", "organization")
        o.strings("sectors", org.stixSectors)
        o.string("contact_information", "soc@\(org.domain)")
        o.string("lang", "ja")
        o.strings("object_marking_refs", [(org.role == "member" ? DemoTLP.amber : DemoTLP.green).markingID])
        o.string("x_kakehashi_name_en", org.name)
        o.string("x_kakehashi_sector_ja", org.sector)
        o.string("x_kakehashi_org_size", org.size)
        o.string("x_kakehashi_domain", org.domain)
        return o.text()
    }

    /// Emits the current version of campaign `index`.
    mutating func emitCampaign(_ index: Int) {
        let c = ThreatCatalog.campaigns[index], r = campaigns[index]
        var o = JSONObject(capacity: 1000)
        header(&o, type: "campaign", id: r.id, createdBy: ids.hub, created: r.created, modified: r.modified)
        o.string("name", c.nameJa)
        o.string("description", CorpusBuilder.bilingual(c.descriptionJa, "\(c.nameEn). \(c.descriptionEn)"))
        o.strings("aliases", [c.nameEn])
        o.timestamp("first_seen", r.firstSeen)
        o.timestamp("last_seen", r.lastSeen)
        o.string("objective", c.objectiveJa)
        o.string("lang", "ja")
        markings(&o, .amber)
        emit("Default", o.text())
    }
}
