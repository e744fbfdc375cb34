// The public online reporting form. Stands alone (no sign-in, no common.js): it talks to /api/public/* only.
// Everything the reporter types goes into the DOM as text, never as HTML.
'use strict';

const TEXTS = {
  en: {
    language: 'Language',
    title: 'Report a potential human trafficking situation',
    emergencyNumber: 'Is someone in danger right now? Do not use this form: call the hotline now on',
    emergencyNoNumber: 'Is someone in danger right now? Do not use this form: call the hotline or the police now.',
    introTitle: 'If you have information about a potential human trafficking situation, please report it here',
    intro: 'Human trafficking is the buying and selling of men, women and children within a country or across its '
      + 'borders to exploit them for money or other benefits.',
    law: 'When a person is recruited, transported, harboured or received through threats, force, coercion or fraud '
      + 'to be sexually exploited, for forced labour, slavery-like practices, servitude or the removal of organs, '
      + 'that person is a victim of human trafficking. This form is for situations that are not urgent.',
    sWhat: 'What happened', sVictims: 'Potential victims', sBefore: 'Reported before', sYou: 'About you',
    notSure: '— not sure —', yes: 'Yes', no: 'No',
    identity: 'How do you want to report?',
    anonymousChoice: 'Anonymously: only your sex and locality, for statistics',
    contactChoice: 'The task force may contact me if they need more details',
    submit: 'Send report', sending: 'Sending…',
    checkFields: 'Please check the marked fields.',
    tooMany: 'Too many reports from this connection. Try again later, or call the hotline.',
    failed: 'The report could not be sent. Nothing was stored. Please try again, or call the hotline.',
    expired: 'The page expired. Please reload it and send the report again.',
    doneTitle: 'Thank you. Your report was received.',
    doneText: 'Your reference code is:',
    doneKeep: 'Write it down and quote it if you call the hotline about this situation. Nothing of what you sent is '
      + 'shown again.',
    f: {
      traffickingTypes: 'Type of trafficking (mark all that apply, as far as you know)',
      traffickingOther: 'Other type, please specify',
      place: 'Region', locationDetail: 'City, village or other details of the location',
      incidentDate: 'Date of the incident, or when you noticed the situation',
      description: 'Describe the situation or incident you would like to report',
      traffickerInfo: 'Information about the trafficker(s)',
      victimDescriptors: 'Potential victims are (mark all that apply)',
      victimOrigin: 'Was the victim born in this country or abroad?',
      victimCountry: 'Country of birth, if you know',
      reportedBefore: 'Have you already reported this situation?', reportedToAgency: 'To which agency?',
      reportedOn: 'Date of that report',
      reporterSex: 'You are', reporterLocality: 'City, village or neighbourhood where you live',
      contactFirstName: 'First name', contactLastName: 'Last name', contactAddress: 'Address',
      contactPhone: 'Phone number', contactAgency: 'If you are a public agent, the agency you work for',
    },
    c: {
      SEXUAL_EXPLOITATION: 'Sexual exploitation', PORNOGRAPHY: 'Pornography',
      ONLINE_SEXUAL_EXPLOITATION: 'Online sexual exploitation', LABOUR: 'Labour', DOMESTIC_LABOUR: 'Domestic labour',
      FORCED_MARRIAGE: 'Forced marriage', CHILD_LABOUR: 'Child labour', BEGGING: 'Begging',
      STREET_SELLING: 'Street selling', OTHER: 'Other',
      FEMALE: 'Female', MALE: 'Male', TRANSGENDER_MALE: 'Transgender male', TRANSGENDER_FEMALE: 'Transgender female',
      UNDER_18: 'Under 18 years old', OVER_18: '18 years old or older', INDIVIDUAL_ALONE: 'An individual alone',
      GROUP_OF_PEOPLE: 'A group of people', FAMILY: 'A family', NATIONAL: 'National', FOREIGNER: 'Foreigner',
    },
    o: { NATIONAL: 'Born in this country (national)', FOREIGNER: 'Born abroad (foreigner)' },
  },
  es: {
    language: 'Idioma',
    title: 'Denunciar una posible situación de trata de personas',
    emergencyNumber: '¿Alguien está en peligro ahora mismo? No use este formulario: llame ya a la línea directa al',
    emergencyNoNumber: '¿Alguien está en peligro ahora mismo? No use este formulario: llame ya a la línea directa o a '
      + 'la policía.',
    introTitle: 'Si tiene información sobre una posible situación de trata de personas, denúnciela aquí',
    intro: 'La trata de personas es la compra y venta de hombres, mujeres, niñas y niños dentro de un país o a través '
      + 'de sus fronteras para explotarlos y obtener dinero u otros beneficios.',
    law: 'Cuando una persona es captada, transportada, acogida o recibida mediante amenazas, fuerza, coacción o '
      + 'engaño para explotarla sexualmente, para trabajos forzados, prácticas análogas a la esclavitud, servidumbre '
      + 'o la extracción de órganos, esa persona es víctima de trata. Este formulario es para situaciones que no son '
      + 'urgentes.',
    sWhat: 'Qué ocurrió', sVictims: 'Posibles víctimas', sBefore: 'Denuncias anteriores', sYou: 'Sobre usted',
    notSure: '— no lo sé —', yes: 'Sí', no: 'No',
    identity: '¿Cómo quiere denunciar?',
    anonymousChoice: 'De forma anónima: solo su sexo y localidad, con fines estadísticos',
    contactChoice: 'El grupo de trabajo puede contactarme si necesita más detalles',
    submit: 'Enviar denuncia', sending: 'Enviando…',
    checkFields: 'Revise los campos marcados.',
    tooMany: 'Demasiadas denuncias desde esta conexión. Inténtelo más tarde o llame a la línea directa.',
    failed: 'No se pudo enviar la denuncia. No se guardó nada. Inténtelo de nuevo o llame a la línea directa.',
    expired: 'La página caducó. Vuelva a cargarla y envíe la denuncia de nuevo.',
    doneTitle: 'Gracias. Hemos recibido su denuncia.',
    doneText: 'Su código de referencia es:',
    doneKeep: 'Anótelo y menciónelo si llama a la línea directa sobre esta situación. Nada de lo que envió se vuelve '
      + 'a mostrar.',
    f: {
      traffickingTypes: 'Tipo de trata (marque todas las que correspondan, según lo que sepa)',
      traffickingOther: 'Otro tipo, especifique',
      place: 'Región', locationDetail: 'Ciudad, pueblo u otros detalles del lugar',
      incidentDate: 'Fecha del incidente o de cuando notó la situación',
      description: 'Describa la situación o el incidente que quiere denunciar',
      traffickerInfo: 'Información sobre el tratante o los tratantes',
      victimDescriptors: 'Las posibles víctimas son (marque todas las que correspondan)',
      victimOrigin: '¿La víctima nació en este país o en el extranjero?',
      victimCountry: 'País de nacimiento, si lo sabe',
      reportedBefore: '¿Ya denunció esta situación?', reportedToAgency: '¿Ante qué institución?',
      reportedOn: 'Fecha de esa denuncia',
      reporterSex: 'Usted es', reporterLocality: 'Ciudad, pueblo o barrio donde vive',
      contactFirstName: 'Nombre', contactLastName: 'Apellido', contactAddress: 'Dirección',
      contactPhone: 'Teléfono', contactAgency: 'Si es agente público, la institución donde trabaja',
    },
    c: {
      SEXUAL_EXPLOITATION: 'Explotación sexual', PORNOGRAPHY: 'Pornografía',
      ONLINE_SEXUAL_EXPLOITATION: 'Explotación sexual en línea', LABOUR: 'Trabajo forzoso',
      DOMESTIC_LABOUR: 'Trabajo doméstico', FORCED_MARRIAGE: 'Matrimonio forzado', CHILD_LABOUR: 'Trabajo infantil',
      BEGGING: 'Mendicidad', STREET_SELLING: 'Venta ambulante', OTHER: 'Otro',
      FEMALE: 'Mujer', MALE: 'Hombre', TRANSGENDER_MALE: 'Hombre transgénero', TRANSGENDER_FEMALE: 'Mujer transgénero',
      UNDER_18: 'Menor de 18 años', OVER_18: 'De 18 años o más', INDIVIDUAL_ALONE: 'Una persona sola',
      GROUP_OF_PEOPLE: 'Un grupo de personas', FAMILY: 'Una familia', NATIONAL: 'Nacional', FOREIGNER: 'Extranjera',
    },
    o: { NATIONAL: 'Nació en este país (nacional)', FOREIGNER: 'Nació en el extranjero (extranjera)' },
  },
  fr: {
    language: 'Langue',
    title: 'Signaler une situation possible de traite des êtres humains',
    emergencyNumber: 'Quelqu’un est-il en danger en ce moment ? N’utilisez pas ce formulaire : appelez tout de suite '
      + 'la ligne d’urgence au',
    emergencyNoNumber: 'Quelqu’un est-il en danger en ce moment ? N’utilisez pas ce formulaire : appelez tout de '
      + 'suite la ligne d’urgence ou la police.',
    introTitle: 'Si vous avez des informations sur une situation possible de traite des êtres humains, signalez-la ici',
    intro: 'La traite des êtres humains est l’achat et la vente d’hommes, de femmes et d’enfants à l’intérieur d’un '
      + 'pays ou à travers ses frontières pour les exploiter et en tirer de l’argent ou d’autres avantages.',
    law: 'Lorsqu’une personne est recrutée, transportée, hébergée ou accueillie par la menace, la force, la contrainte '
      + 'ou la tromperie pour être exploitée sexuellement, soumise au travail forcé, à des pratiques analogues à '
      + 'l’esclavage, à la servitude ou au prélèvement d’organes, cette personne est victime de la traite. Ce '
      + 'formulaire est destiné aux situations non urgentes.',
    sWhat: 'Ce qui s’est passé', sVictims: 'Victimes possibles', sBefore: 'Signalement antérieur', sYou: 'À votre sujet',
    notSure: '— je ne sais pas —', yes: 'Oui', no: 'Non',
    identity: 'Comment voulez-vous signaler ?',
    anonymousChoice: 'Anonymement : seulement votre sexe et votre localité, à des fins statistiques',
    contactChoice: 'Le groupe de travail peut me contacter s’il a besoin de plus de détails',
    submit: 'Envoyer le signalement', sending: 'Envoi…',
    checkFields: 'Veuillez vérifier les champs signalés.',
    tooMany: 'Trop de signalements depuis cette connexion. Réessayez plus tard ou appelez la ligne d’urgence.',
    failed: 'Le signalement n’a pas pu être envoyé. Rien n’a été enregistré. Réessayez ou appelez la ligne d’urgence.',
    expired: 'La page a expiré. Rechargez-la et envoyez à nouveau le signalement.',
    doneTitle: 'Merci. Votre signalement a été reçu.',
    doneText: 'Votre code de référence est :',
    doneKeep: 'Notez-le et citez-le si vous appelez la ligne d’urgence à propos de cette situation. Rien de ce que '
      + 'vous avez envoyé n’est affiché à nouveau.',
    f: {
      traffickingTypes: 'Type de traite (cochez tout ce qui s’applique, à votre connaissance)',
      traffickingOther: 'Autre type, précisez',
      place: 'Région', locationDetail: 'Ville, village ou autres détails du lieu',
      incidentDate: 'Date de l’incident ou du moment où vous avez remarqué la situation',
      description: 'Décrivez la situation ou l’incident que vous souhaitez signaler',
      traffickerInfo: 'Informations sur le ou les trafiquants',
      victimDescriptors: 'Les victimes possibles sont (cochez tout ce qui s’applique)',
      victimOrigin: 'La victime est-elle née dans ce pays ou à l’étranger ?',
      victimCountry: 'Pays de naissance, si vous le savez',
      reportedBefore: 'Avez-vous déjà signalé cette situation ?', reportedToAgency: 'À quel organisme ?',
      reportedOn: 'Date de ce signalement',
      reporterSex: 'Vous êtes', reporterLocality: 'Ville, village ou quartier où vous habitez',
      contactFirstName: 'Prénom', contactLastName: 'Nom', contactAddress: 'Adresse',
      contactPhone: 'Téléphone', contactAgency: 'Si vous êtes agent public, l’organisme où vous travaillez',
    },
    c: {
      SEXUAL_EXPLOITATION: 'Exploitation sexuelle', PORNOGRAPHY: 'Pornographie',
      ONLINE_SEXUAL_EXPLOITATION: 'Exploitation sexuelle en ligne', LABOUR: 'Travail forcé',
      DOMESTIC_LABOUR: 'Travail domestique', FORCED_MARRIAGE: 'Mariage forcé', CHILD_LABOUR: 'Travail des enfants',
      BEGGING: 'Mendicité', STREET_SELLING: 'Vente de rue', OTHER: 'Autre',
      FEMALE: 'Femme', MALE: 'Homme', TRANSGENDER_MALE: 'Homme transgenre', TRANSGENDER_FEMALE: 'Femme transgenre',
      UNDER_18: 'Moins de 18 ans', OVER_18: '18 ans ou plus', INDIVIDUAL_ALONE: 'Une personne seule',
      GROUP_OF_PEOPLE: 'Un groupe de personnes', FAMILY: 'Une famille', NATIONAL: 'Nationale', FOREIGNER: 'Étrangère',
    },
    o: { NATIONAL: 'Née dans ce pays (nationale)', FOREIGNER: 'Née à l’étranger (étrangère)' },
  },
};

// Which field goes in which part of the page; the identity choice and "reported before" decide what is sent.
const LAYOUT = {
  sWhat: ['traffickingTypes', 'traffickingOther', 'place', 'locationDetail', 'incidentDate', 'description',
    'traffickerInfo'],
  sVictims: ['victimDescriptors', 'victimOrigin', 'victimCountry'],
  sBefore: ['reportedBefore', 'reportedToAgency', 'reportedOn'],
};
const ANONYMOUS_FIELDS = ['reporterSex', 'reporterLocality'];
const CONTACT_FIELDS = ['contactFirstName', 'contactLastName', 'contactAddress', 'contactPhone', 'contactAgency'];

const Report = {
  def: null,
  lang: 'en',
  fields: {},
  texts: [], // [element, key path, prefix]

  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  },

  t(path) {
    const pick = (lang) => path.split('.').reduce((o, k) => (o ? o[k] : undefined), TEXTS[lang]);
    const v = pick(Report.lang);
    return v === undefined ? (pick('en') ?? path) : v;
  },

  // An element whose text follows the chosen language.
  text(tag, key, attrs = {}) {
    const e = Report.el(tag, attrs);
    Report.texts.push([e, key]);
    e.textContent = Report.t(key);
    return e;
  },

  async start() {
    const r = await fetch('/api/public/form', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    Report.def = await r.json();
    const offered = Report.def.languages.filter((l) => TEXTS[l]);
    const languages = offered.length ? offered : ['en'];
    const asked = new URLSearchParams(location.search).get('lang');
    const browser = (navigator.languages || []).map((l) => l.slice(0, 2));
    Report.lang = [asked, ...browser].find((l) => languages.includes(l)) || languages[0];
    const picker = document.getElementById('language');
    for (const l of languages) {
      picker.append(Report.el('option', { value: l }, new Intl.DisplayNames([l], { type: 'language' }).of(l)));
    }
    picker.value = Report.lang;
    picker.addEventListener('change', () => { Report.lang = picker.value; Report.translate(); });
    Report.texts.push([document.getElementById('language-label'), 'language']);
    Report.texts.push([document.getElementById('title'), 'title']);
    Report.texts.push([document.getElementById('intro-title'), 'introTitle']);
    Report.texts.push([document.getElementById('intro-text'), 'intro']);
    Report.texts.push([document.getElementById('intro-law'), 'law']);
    for (const f of Report.def.fields) Report.fields[f.name] = f;
    Report.build(document.getElementById('report'));
    Report.translate();
  },

  translate() {
    document.documentElement.lang = Report.lang;
    document.title = Report.t('title');
    for (const [e, key] of Report.texts) e.textContent = Report.t(key);
    const banner = document.getElementById('emergency');
    banner.replaceChildren();
    const number = Report.def.hotlineNumber;
    if (number) {
      banner.append(Report.t('emergencyNumber') + ' ',
        Report.el('a', { href: 'tel:' + number.replace(/[^0-9+]/g, ''), id: 'emergency-number' }, number));
    } else {
      banner.append(Report.t('emergencyNoNumber'));
    }
    const countries = document.getElementById('f-victimCountry');
    const names = new Intl.DisplayNames([Report.lang], { type: 'region' });
    for (const option of countries.options) if (option.value) option.textContent = names.of(option.value);
  },

  build(form) {
    for (const [section, names] of Object.entries(LAYOUT)) {
      form.append(Report.el('section', {}, Report.text('h2', section), names.map((n) => Report.field(n))));
    }
    const anonymous = Report.el('div', { id: 'anonymous-fields', hidden: true }, ANONYMOUS_FIELDS.map(Report.field));
    const contact = Report.el('div', { id: 'contact-fields', hidden: true }, CONTACT_FIELDS.map(Report.field));
    const choose = () => {
      anonymous.hidden = !document.getElementById('identity-anonymous').checked;
      contact.hidden = !document.getElementById('identity-contact').checked;
    };
    const choice = (id, key) => Report.el('label', { for: id },
      Report.el('input', { type: 'radio', name: 'identity', id, onchange: choose }), ' ', Report.text('span', key));
    form.append(Report.el('section', {}, Report.text('h2', 'sYou'),
      Report.el('fieldset', { class: 'choice' }, Report.text('legend', 'identity'),
        choice('identity-anonymous', 'anonymousChoice'), choice('identity-contact', 'contactChoice')),
      Report.el('div', { class: 'field-error', id: 'e-contactConsent' }),
      anonymous, contact));
    const before = document.getElementById('f-reportedBefore');
    const showBefore = () => {
      for (const n of ['reportedToAgency', 'reportedOn']) {
        document.getElementById('w-' + n).hidden = before.value !== 'true';
      }
    };
    before.addEventListener('change', showBefore);
    showBefore();
    form.append(Report.el('p', {}, Report.text('button', 'submit', { type: 'submit', class: 'primary', id: 'submit' })),
      Report.el('p', { id: 'form-status', role: 'status' }));
    form.addEventListener('submit', (e) => { e.preventDefault(); Report.send(form); });
  },

  field(name) {
    const f = Report.fields[name];
    const id = 'f-' + name;
    let input;
    if (f.kind === 'CODES') {
      input = Report.el('div', { class: 'codes', id }, f.codes.map((c) => Report.el('label', {},
        Report.el('input', { type: 'checkbox', name, value: c }), ' ', Report.text('span', 'c.' + c))));
    } else if (f.kind === 'CODE' || f.kind === 'COUNTRY' || f.kind === 'BOOLEAN') {
      input = Report.el('select', { id, name });
      input.append(Report.text('option', 'notSure', { value: '' }));
      if (f.kind === 'BOOLEAN') {
        input.append(Report.text('option', 'no', { value: 'false' }), Report.text('option', 'yes', { value: 'true' }));
      } else if (f.kind === 'COUNTRY') {
        for (const c of Report.def.countries) input.append(Report.el('option', { value: c }, c));
      } else {
        // The jurisdiction's places are names already; the seed's codes have texts.
        for (const c of f.codes) input.append(name === 'place' ? Report.el('option', { value: c }, c)
          : Report.text('option', (name === 'victimOrigin' ? 'o.' : 'c.') + c, { value: c }));
      }
    } else if (f.kind === 'DATE') {
      input = Report.el('input', { type: 'date', id, name, max: new Date().toISOString().slice(0, 10) });
    } else if (f.kind === 'TEXT' && f.maxLength > 300) {
      input = Report.el('textarea', { id, name, maxlength: f.maxLength, rows: 5 });
    } else {
      input = Report.el('input', { type: f.kind === 'PHONE' ? 'tel' : 'text', id, name, maxlength: f.maxLength });
    }
    return Report.el('div', { id: 'w-' + name },
      Report.text('label', 'f.' + name, { for: id }), input, Report.el('div', { class: 'field-error', id: 'e-' + name }));
  },

  value(name) {
    const f = Report.fields[name];
    if (f.kind === 'CODES') {
      return [...document.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    }
    const v = document.getElementById('f-' + name).value;
    if (f.kind === 'BOOLEAN') return v === '' ? null : v === 'true';
    return v.trim() === '' ? null : v;
  },

  collect() {
    const anonymous = document.getElementById('identity-anonymous').checked;
    const contact = document.getElementById('identity-contact').checked;
    const names = Object.values(LAYOUT).flat().concat(anonymous ? ANONYMOUS_FIELDS : [], contact ? CONTACT_FIELDS : []);
    const answers = { anonymous, contactConsent: contact };
    for (const n of names) {
      if (document.getElementById('w-' + n).hidden) continue;
      const v = Report.value(n);
      if (v !== null && !(Array.isArray(v) && v.length === 0)) answers[n] = v;
    }
    return answers;
  },

  async send(form) {
    const status = document.getElementById('form-status');
    const button = document.getElementById('submit');
    document.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
    status.className = '';
    status.textContent = Report.t('sending');
    button.disabled = true;
    const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    headers[Report.def.csrf.header] = Report.def.csrf.token;
    let r;
    let body = null;
    try {
      r = await fetch('/api/public/reports', { method: 'POST', headers, credentials: 'same-origin',
        body: JSON.stringify({ language: Report.lang, answers: Report.collect() }) });
      const text = await r.text();
      body = text && text.trim().startsWith('{') ? JSON.parse(text) : null;
    } catch (e) {
      r = { status: 0 };
    }
    button.disabled = false;
    if (r.status === 201 && body && body.reference) {
      Report.done(form, body.reference);
      return;
    }
    status.className = 'error';
    if (r.status === 400 && body && body.fields) {
      status.textContent = Report.t('checkFields');
      for (const [name, problem] of Object.entries(body.fields)) {
        const target = document.getElementById('e-' + name);
        if (target) target.textContent = problem; else status.append(' ', problem);
      }
    } else if (r.status === 429) {
      status.textContent = Report.t('tooMany');
    } else if (r.status === 403) {
      status.textContent = Report.t('expired');
    } else {
      status.textContent = Report.t('failed') + (body && body.message ? ' (' + body.message + ')' : '');
    }
  },

  // Only the reference stays on screen: the form and everything typed into it leave the page.
  done(form, reference) {
    form.reset();
    form.remove();
    document.getElementById('intro').hidden = true;
    for (const [id, key] of [['done-title', 'doneTitle'], ['done-text', 'doneText'], ['done-keep', 'doneKeep']]) {
      const e = document.getElementById(id);
      Report.texts.push([e, key]);
      e.textContent = Report.t(key);
    }
    document.getElementById('reference').textContent = reference;
    document.getElementById('done').hidden = false;
  },
};

Report.start();
