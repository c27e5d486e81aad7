#include "lightwatt/interconnect/budget_file.hpp"

#include "lightwatt/photonics/transmitter.hpp"

namespace lightwatt::interconnect {

namespace {

// Bounds that keep every derived power and margin finite and physical: a loss beyond 200 dB or a
// laser outside -60..40 dBm (1 nW..10 W, the OMA range) describes no link.
const Range kLossDb = Range::closed(0.0, 200.0);

// A channel given by parts; `base` supplies the parts the file leaves out when a link is named.
// A per-item loss may come from the catalog (connector = NAME, splice = NAME) or as a number,
// not both; a count without a per-item loss is an error.
photonics::Channel read_channel_parts(TableReader& r, const LinkCatalog& catalog,
                                      std::optional<photonics::Channel> base) {
    const auto& d = catalog.devices();
    const bool has_base = base.has_value();
    photonics::Channel c = base.value_or(photonics::Channel{});
    const auto exclusive = [&](const char* a, const char* b) {
        if (r.contains(a) && r.contains(b))
            throw r.error(b, "", std::string("both ") + a + " and " + b + " are given",
                          std::string("one of ") + a + " (a catalog name) or " + b);
    };
    exclusive("fibre", "attenuation_db_per_km");
    exclusive("connector", "connector_loss_db");
    exclusive("splice", "splice_loss_db");
    if (auto name = r.optional_string("fibre")) c.fibre = d.fibres.at(*name, r, "fibre");
    if (auto a = r.optional_number("attenuation_db_per_km", Range{0.0, 1e4, false, true})) c.fibre = {"custom", *a};
    if (auto l = r.optional_number("length_m", Range::closed(0.0, 1e8))) c.length = meters(*l);
    if (auto n = r.optional_integer("connectors", 0, 1000)) c.connectors = static_cast<int>(*n);
    if (auto name = r.optional_string("connector")) c.connector = d.loss_elements.at(*name, r, "connector");
    if (auto v = r.optional_number("connector_loss_db", kLossDb)) c.connector = {"custom", Decibel(*v)};
    if (auto n = r.optional_integer("splices", 0, 1000)) c.splices = static_cast<int>(*n);
    if (auto name = r.optional_string("splice")) c.splice = d.loss_elements.at(*name, r, "splice");
    if (auto v = r.optional_number("splice_loss_db", kLossDb)) c.splice = {"custom", Decibel(*v)};
    if (auto v = r.optional_number("other_loss_db", kLossDb)) c.other_loss = Decibel(*v);
    (void)r.optional_number("insertion_loss_db", kLossDb);  // known key: handled by the caller
    r.finish();  // a misspelt key is the likelier mistake: report it before the rules below
    // With or without a link: a count needs a per-item loss from somewhere.
    if (c.connectors > 0 && c.connector.name.empty())
        throw r.error("connectors", r.value_text("connectors"), "a connector count needs a loss per connector",
                      "connector = NAME or connector_loss_db = NUMBER");
    if (c.splices > 0 && c.splice.name.empty())
        throw r.error("splices", r.value_text("splices"), "a splice count needs a loss per splice",
                      "splice = NAME or splice_loss_db = NUMBER");
    if (!has_base) {
        if (c.length.value() > 0.0 && !r.contains("fibre") && !r.contains("attenuation_db_per_km"))
            throw r.error("length_m", r.value_text("length_m"), "a fibre length needs a fibre",
                          "fibre = NAME or attenuation_db_per_km = NUMBER");
    }
    return c;
}

// The optical archetype a file starts from (link = NAME), evaluated once; none without that key.
struct StartingLink {
    const LinkArchetype* archetype = nullptr;
    std::optional<LinkReport> report;

    [[nodiscard]] const OpticalBudgetReport* optical() const { return report ? &*report->optical : nullptr; }
};

const LinkArchetype* find_optical_link(const LinkCatalog& catalog, const std::string& name) {
    for (const auto& l : catalog.links())
        if (l.name == name && l.optics) return &l;
    return nullptr;
}

StartingLink read_starting_link(TableReader& root, const LinkCatalog& catalog, BudgetStudy& s) {
    StartingLink start;
    const auto name = root.optional_string("link");
    if (!name) return start;
    start.archetype = find_optical_link(catalog, *name);
    if (start.archetype == nullptr) {
        std::vector<std::string> optical;
        for (const auto& l : catalog.links())
            if (l.optics) optical.push_back(l.name);
        throw root.unknown_name("link", *name, optical, "links with optics");
    }
    s.link = *name;
    start.report = evaluate(*start.archetype);
    if (!start.optical()->sensitivity.oma && !root.contains("receiver"))
        throw root.error("link", "\"" + *s.link + "\"",
                         "this link's receiver has no sensitivity (RIN floor above the target BER)",
                         "a [receiver] table with sensitivity_oma_dbm");
    // (An empty [receiver] table for such a link fails in read_receiver: sensitivity_oma_dbm is required.)
    return start;
}

// [transmitter]: the OMA, or the laser's output through the link's transmitter optics.
void read_transmitter(TableReader& root, const StartingLink& start, BudgetStudy& s) {
    const LinkArchetype* link = start.archetype;
    auto tx = root.optional_table("transmitter");
    if (!tx && !link)
        throw root.error("transmitter", "", "missing [transmitter] table", "oma_dbm, or a link = NAME to start from");
    if (link) s.budget.tx_oma = start.optical()->budget.tx_oma;
    if (!tx) return;
    const auto oma = tx->optional_number("oma_dbm", Range::closed(-60.0, 40.0));
    const auto laser = tx->optional_number("laser_output_mw", Range::closed(1e-6, 1e4));
    if (oma && laser)
        throw tx->error("laser_output_mw", tx->value_text("laser_output_mw"),
                        "both oma_dbm and laser_output_mw are given", "one of them");
    if (!oma && !laser && !link) s.budget.tx_oma = DecibelMilliwatt(tx->number("oma_dbm", Range::closed(-60.0, 40.0)));
    if (oma) s.budget.tx_oma = DecibelMilliwatt(*oma);
    if (laser) {
        if (!link)
            throw tx->error("laser_output_mw", tx->value_text("laser_output_mw"),
                            "laser power needs a link's transmitter optics",
                            "link = NAME at the top of the file, or oma_dbm");
        s.budget.tx_oma = photonics::tx_oma_from_laser_output(link->optics->transmitter, milliwatts(*laser));
    }
    tx->finish();
}

// [channel]: a total insertion loss or the fibre plant by parts. With a link, its receiver's input
// coupling (inside the module) is added to whatever the file says about the fibre plant between
// the two modules.
void read_channel(TableReader& root, const LinkCatalog& catalog, const StartingLink& start, BudgetStudy& s) {
    const LinkArchetype* link = start.archetype;
    auto ch = root.optional_table("channel");
    if (!ch && !link)
        throw root.error("channel", "", "missing [channel] table",
                         "insertion_loss_db, or fibre/length_m/connectors parts");
    const Decibel rx_coupling = link ? link->optics->rx_coupling_loss : Decibel(0.0);
    std::optional<photonics::Channel> plant;
    Decibel plant_loss(0.0);
    if (link) {
        plant = link->optics->channel;
        plant_loss = photonics::channel_loss(*plant);
    }
    if (ch) {
        if (auto il = ch->optional_number("insertion_loss_db", kLossDb)) {
            plant_loss = Decibel(*il);
            plant.reset();
            for (const char* part : {"fibre", "attenuation_db_per_km", "length_m", "connectors", "connector",
                                     "connector_loss_db", "splices", "splice", "splice_loss_db", "other_loss_db"})
                if (ch->contains(part))
                    throw ch->error(
                        part, "", "insertion_loss_db gives the channel's total loss, so its parts cannot also be given",
                        "insertion_loss_db alone, or the parts without it");
        } else {
            plant = read_channel_parts(*ch, catalog, plant);
            plant_loss = photonics::channel_loss(*plant);
        }
        ch->finish();
    }
    s.budget.channel_loss = plant_loss + rx_coupling;
    if (plant) {
        s.channel = *plant;
        s.channel->other_loss += rx_coupling;
    }
}

// [receiver]: its sensitivity, required unless the link's own receiver has one.
void read_receiver(TableReader& root, const StartingLink& start, BudgetStudy& s) {
    const OpticalBudgetReport* optical = start.optical();
    auto rx = root.optional_table("receiver");
    if (!rx && !optical) throw root.error("receiver", "", "missing [receiver] table", "sensitivity_oma_dbm");
    if (optical && optical->sensitivity.oma) s.budget.rx_sensitivity_oma = *optical->sensitivity.oma;
    if (!rx) return;
    const bool link_without_sensitivity = optical && !optical->sensitivity.oma;
    if (!optical || link_without_sensitivity) {
        s.budget.rx_sensitivity_oma = DecibelMilliwatt(rx->number("sensitivity_oma_dbm", Range::closed(-60.0, 20.0)));
    } else if (auto v = rx->optional_number("sensitivity_oma_dbm", Range::closed(-60.0, 20.0))) {
        s.budget.rx_sensitivity_oma = DecibelMilliwatt(*v);
    }
    rx->finish();
}

}  // namespace

BudgetStudy read_budget(TableReader root, const LinkCatalog& catalog) {
    BudgetStudy s;
    s.file = root.file();
    const StartingLink start = read_starting_link(root, catalog, s);
    read_transmitter(root, start, s);
    read_channel(root, catalog, start, s);
    read_receiver(root, start, s);
    s.budget.penalties = start.archetype ? start.optical()->budget.penalties : Decibel(0.0);
    if (auto p = root.optional_number("penalties_db", kLossDb)) s.budget.penalties = Decibel(*p);
    s.target_margin = Decibel(root.optional_number("target_margin_db", Range::closed(-50.0, 50.0)).value_or(0.0));
    (void)root.optional_string("description");
    (void)root.optional_string("source");
    root.finish();
    return s;
}

BudgetStudy solve_budget(BudgetStudy s, const LinkCatalog& catalog) {
    s.required_tx_oma = photonics::required_tx_oma(s.budget.rx_sensitivity_oma, s.budget.channel_loss,
                                                   s.budget.penalties, s.target_margin);
    s.max_channel_loss =
        photonics::max_channel_loss(s.budget.tx_oma, s.budget.penalties, s.budget.rx_sensitivity_oma, s.target_margin);
    if (s.channel && s.channel->fibre.attenuation_db_per_km > 0.0) {
        s.max_reach = photonics::max_reach(*s.channel, s.max_channel_loss);
        s.reach_limited_by_fixed_losses = !s.max_reach.has_value();
    }
    const LinkArchetype* link = s.link ? find_optical_link(catalog, *s.link) : nullptr;
    if (link) {
        s.required_laser_output = photonics::laser_output_for_tx_oma(link->optics->transmitter, s.required_tx_oma);
        s.required_laser_electrical = photonics::laser_electrical_power(link->optics->laser, *s.required_laser_output);
    }
    return s;
}

BudgetStudy read_budget_study(TableReader root, const LinkCatalog& catalog) {
    return solve_budget(read_budget(std::move(root), catalog), catalog);
}

BudgetStudy load_budget_study(const std::filesystem::path& file, const LinkCatalog& catalog) {
    const auto doc = TomlDocument::parse_file(file);
    return read_budget_study(doc.root(), catalog);
}

nlohmann::json budget_study_json(const BudgetStudy& s) {
    nlohmann::json j;
    j["file"] = s.file;
    j["link"] = s.link ? nlohmann::json(*s.link) : nlohmann::json();
    const auto& b = s.budget;
    j["budget"] = {{"tx_oma_dbm", b.tx_oma.value()},
                   {"channel_loss_db", b.channel_loss.value()},
                   {"penalties_db", b.penalties.value()},
                   {"rx_sensitivity_oma_dbm", b.rx_sensitivity_oma.value()},
                   {"received_oma_dbm", b.received_oma().value()},
                   {"power_budget_db", b.power_budget().value()},
                   {"margin_db", b.margin().value()},
                   {"closes", b.margin().value() >= 0.0}};
    nlohmann::json inv = {{"target_margin_db", s.target_margin.value()},
                          {"required_tx_oma_dbm", s.required_tx_oma.value()},
                          {"max_channel_loss_db", s.max_channel_loss.value()}};
    inv["max_reach_m"] = s.max_reach ? nlohmann::json(in_meters(*s.max_reach)) : nlohmann::json();
    if (s.reach_limited_by_fixed_losses) inv["note"] = "the channel's fixed losses alone exceed the allowed loss";
    if (s.required_laser_output) {
        inv["required_laser_output_dbm"] = to_dbm(*s.required_laser_output).value();
        inv["required_laser_output_w"] = in_watts(*s.required_laser_output);
        inv["required_laser_electrical_w"] = in_watts(*s.required_laser_electrical);
    }
    j["inverse"] = inv;
    return j;
}

}  // namespace lightwatt::interconnect
