import json, uuid, hashlib
NS = uuid.UUID('6f1c3d2e-0b7a-4c55-9e21-7d3f5a9b1c00')
def u(*parts): return str(uuid.uuid5(NS, "/".join(parts)))
def tok(name): return "wm_" + hashlib.sha256(("rolo-sandbox-" + name).encode()).hexdigest()[:60]
def key(name): return "wpy_" + hashlib.sha256(("rolo-wipsy-" + name).encode()).hexdigest()[:40]

def stages(t, items):
    return [dict(id=u(t,"stage",n), name=n, color=c, stage_order=i, is_system=s) for i,(n,c,s) in enumerate(items)]
def tags(t, items):
    return [dict(id=u(t,"tag",n), name=n, color=c) for n,c in items]
def fields(t, items):
    out=[]
    for i,(n,ty,opts,req) in enumerate(items):
        out.append(dict(id=u(t,"field",n), field_name=n, field_type=ty, field_options=opts, is_required=req, field_order=i))
    return out

demo_fields = fields("demo", [
    ("Número de documento","text",None,True),
    ("Canal preferido","select",["WhatsApp","Llamada","Correo electrónico"],True),
    ("Fecha de cumpleaños","date",None,False),
    ("Correo de facturación","email",None,False),
    ("Teléfono alterno","phone",None,False),
    ("Presupuesto mensual","number",None,False),
    ("Talla de camiseta","select",["XS","S","M","L","XL"],False),
])
fid = {f["field_name"]: f["id"] for f in demo_fields}
demo_tags = tags("demo", [("VIP","#F59E0B"),("Soporte","#3B82F6"),("Mayorista","#10B981"),("Instagram","#E1306C"),
    ("Recompra","#8B5CF6"),("Garantía","#EF4444"),("Cliente nuevo","#14B8A6"),("Ñandú Club","#F97316"),("中文客户","#DC2626"),("Pendiente de pago","#6B7280")])
tid = {t["name"]: t["id"] for t in demo_tags}
demo_stages = stages("demo", [("Nuevo","#3B82F6",True),("Contactado","#06B6D4",False),("Propuesta enviada","#8B5CF6",False),
    ("Negociación","#F59E0B",False),("Ganado","#10B981",True),("Perdido","#EF4444",True)])
sid = {s["name"]: s["id"] for s in demo_stages}
def req(doc, canal): return {fid["Número de documento"]: doc, fid["Canal preferido"]: canal}

wipsy = [
  dict(name="demo", api_key=key("demo"), user_id=u("demo","user"), plan="Free", monthly_quota=100,
       stages=demo_stages, tags=demo_tags, custom_fields=demo_fields,
       seed_contacts=[
         dict(name="José", last_name="Núñez Peña", phone="+57 318 877 9043", email="jose.nunez@ferreteria-nunez.co",
              company="Ferretería Núñez", city="Medellín", province="Antioquia", pipeline_stage_id=sid["Contactado"],
              tags=[tid["VIP"], tid["Mayorista"]], custom_fields={**req("71.234.567","WhatsApp"), fid["Fecha de cumpleaños"]:"1984-03-12"}),
         dict(name="Zoë", last_name="Ribeiro", phone="+55 11 98765-4321", email="zoe.ribeiro@exemplo.com.br",
              city="São Paulo", pipeline_stage_id=sid["Nuevo"], tags=[tid["Instagram"]], custom_fields=req("123.456.789-09","Correo electrónico")),
         dict(name="王芳", last_name="李", phone="+86 138 0013 8000", notes="Prefiere mensajes en chino 🙏",
              tags=[tid["中文客户"]], custom_fields=req("E12345678","WhatsApp")),
       ]),
  dict(name="clinica-sonrisa", api_key=key("clinica-sonrisa"), user_id=u("clinica","user"), plan="Pro", monthly_quota=5000,
       stages=stages("clinica", [("Novo paciente","#3B82F6",True),("Consulta agendada","#F59E0B",False),("Em tratamento","#8B5CF6",False),("Alta","#10B981",True)]),
       tags=tags("clinica", [("Ortodontia","#0EA5E9"),("Implante","#A855F7"),("Convênio","#22C55E"),("Urgência","#EF4444")]),
       custom_fields=fields("clinica", [("Data da consulta","date",None,False),("Convênio","select",["Unimed","Bradesco Saúde","Particular"],True),("CPF","text",None,False)]),
       seed_contacts=[]),
  dict(name="agencia-llena", api_key=key("agencia-llena"), user_id=u("llena","user"), plan="Free", monthly_quota=3,
       stages=stages("llena", [("Nuevo","#3B82F6",True)]), tags=tags("llena", [("Evento","#F43F5E")]), custom_fields=[],
       seed_contacts=[dict(name="Ana María", last_name="Pérez", phone="+57 300 111 2233"),
                      dict(name="Iñaki", last_name="Etxeberria", phone="+34 612 345 678"),
                      dict(name="Chloé", last_name="Dubois", phone="+33 6 12 34 56 78")]),
  dict(name="loadtest", api_key=key("loadtest"), user_id=u("loadtest","user"), plan="Enterprise", monthly_quota=10_000_000,
       stages=stages("loadtest", [("Lead","#3B82F6",True),("Won","#10B981",True)]),
       tags=tags("loadtest", [("Imported","#64748B"),("Priority","#F59E0B")]),
       custom_fields=fields("loadtest", [("Notes code","text",None,False)]), seed_contacts=[]),
]

def named(start, names, colors=None):
    out=[]
    for i,n in enumerate(names):
        d=dict(id=start+i, name=n)
        if colors: d["color"]=colors[i]
        out.append(d)
    return out
sources_names = ["Website","WhatsApp","Facebook Ads","Instagram","Google Ads","Referido","Feria comercial","Llamada entrante",
   "Correo","TikTok","LinkedIn","Evento presencial","Tienda física","Marketplace","Chatbot","Campaña SMS","Alianza"]
statuses = [("Nuevo","#3B82F6"),("Contactado","#06B6D4"),("Interesado","#8B5CF6"),("En negociación","#F59E0B"),
    ("Cliente","#10B981"),("No interesado","#EF4444"),("Seguimiento","#F97316")]
group_names = ["Clientes VIP","Mayoristas","Distribuidores","Bogotá","Medellín","Cali","Barranquilla","São Paulo","Mumbai",
   "Delhi","Black Friday 2026","Navidad","Webinar octubre","Newsletter","Soporte prioritario","Garantías","Reactivación",
   "Exportación","Ñandú Club","Prospectos fríos","Embajadores","中文客户","Eventos"]
def wm(id_, name, sub, plan, plan_id, limit, rate, double, tokens, seed_contacts, ngroups=len(group_names)):
    return dict(id=id_, name=name, subdomain=sub, plan_name=plan, plan_id=plan_id, contact_limit=limit,
        rate_limit_per_minute=rate, double_wrap=double, tokens=tokens,
        sources=named(110, sources_names), statuses=named(281, [s for s,_ in statuses], [c for _,c in statuses]),
        groups=named(11, group_names[:ngroups]), seed_contacts=seed_contacts)
def T(name, label, scopes, **kw): return dict(token=tok(name), label=label, scopes=scopes, **kw)
read_scopes = ["contacts:read","sources:read","statuses:read","groups:read","account:read"]
whatsmark = [
  wm(1,"demo","demo","Growth",3,1000,60,False,[
      T("demo-main","full access",["*"]),
      T("demo-readonly","read only: no contacts:write",read_scopes),
      T("demo-revoked","revoked",["*"],revoked=True),
      T("demo-expired","expired",["*"],expired=True),
      T("demo-ipbound","whitelisted for 203.0.113.7 only",["*"],ip_whitelist=["203.0.113.7"]),
      T("demo-writeonly","contacts:write only",["contacts:write"]),
    ], [
      dict(firstname="Priya", lastname="Raghunathan", phone="+919587422363", email="priya.r@example.in", type="customer",
           source_id=111, status_id=285, city="Rajkot", zip="360001", country_id=101, groups=[12,19], company="Raghunathan Textiles"),
      dict(firstname="María José", lastname="Gómez Ñáñez", phone="+573001234567", email="mjgomez@correo.co", type="lead",
           source_id=110, status_id=281, city="Bogotá", country_id=48, groups=[14]),
      dict(firstname="João", lastname="Conceição", phone="+5511987654321", type="guest", source_id=113, status_id=282, country_id=31),
    ]),
  wm(2,"rasl-retail","rasl","Starter",2,500,60,True,[T("rasl-main","full access",["*"])], [
      dict(firstname="Aarav", lastname="Sharma", phone="+919812345678", type="lead", source_id=110, status_id=281, country_id=101)]),
  wm(3,"full-house","fullhouse","Free",1,3,60,False,[T("full-main","full access",["*"])], [
      dict(firstname="Lucía", lastname="Fernández", phone="+34600111222", type="lead", source_id=110, status_id=281),
      dict(firstname="Mateo", lastname="Rodríguez", phone="+34600111333", type="lead", source_id=110, status_id=281),
      dict(firstname="Sofía", lastname="Martín", phone="+34600111444", type="customer", source_id=111, status_id=285)]),
  wm(4,"loadtest","loadtest","Enterprise",9,-1,None,False,[T("load-main","full access",["*"])], []),
]
json.dump(dict(wipsy=wipsy, whatsmark=whatsmark), open("assets/sandbox-seed.json","w"), ensure_ascii=False, indent=1)
