"""Explorador interativo da convolução: a janela andando sobre a entrada, no navegador.

``explorador(...)`` devolve um objeto que o Jupyter, o Colab e o site do curso
mostram como HTML com CSS e JavaScript embutidos: nada vem da internet e nada
depende do kernel depois que a saída foi gravada. O leitor muda o tamanho da
entrada, do núcleo, o preenchimento, o passo e a dilatação, anda com a janela
posição por posição e vê a conta de cada valor da saída.

A aritmética do JavaScript é a mesma das lições (``tests/test_explorador.py``
confere, no Chromium, contra ``conv.corr2d``, ``conv.tamanho_saida``,
``F.max_pool2d`` e ``F.avg_pool2d``):

- ``"correlacao"``: correlação cruzada (``conv.corr2d``) da entrada preenchida
  com zeros (``F.pad``), com passo (``conv.corr2d_passo``) e dilatação
  (``nn.Conv2d(dilation=d)``);
- ``"max"``: agrupamento máximo (``F.max_pool2d``), preenchimento com −∞;
- ``"media"``: agrupamento médio (``F.avg_pool2d``), com os zeros do
  preenchimento contando na divisão (``count_include_pad=True``, o padrão).
"""
import hashlib
import html
import json
import random

MODOS = {"correlacao": "Correlação cruzada (soma dos produtos)",
         "max": "Agrupamento máximo",
         "media": "Agrupamento médio"}
_CURTO = {"correlacao": "correlação cruzada", "max": "agrupamento máximo", "media": "agrupamento médio"}
CONTROLES = {"n": "Entrada", "k": "Núcleo", "p": "Preenchimento", "s": "Passo", "d": "Dilatação"}
# Limites de cada controle (mínimo, máximo), para as grades caberem numa tela de celular.
LIMITES = {"n": (1, 10), "k": (1, 5), "p": (0, 3), "s": (1, 4), "d": (1, 3)}
LIMITE_VALOR = 99  # valores da entrada e do núcleo: inteiros de −99 a 99

_contador = 0


def _par(nome, valor):
    """5 → (5, 5); (5, 4) → (5, 4); confere o intervalo do controle."""
    if isinstance(valor, int):
        valor = (valor, valor)
    try:
        par = tuple(int(v) for v in valor)
    except (TypeError, ValueError):
        par = ()
    minimo, maximo = LIMITES[nome]
    if len(par) != 2 or any(v != w for v, w in zip(par, valor)):
        raise ValueError(f"{CONTROLES[nome]} ({nome}) deve ser um inteiro ou um par de inteiros "
                         f"(altura, largura), como {nome}=(3, 3); recebi {valor!r}.")
    if not all(minimo <= v <= maximo for v in par):
        raise ValueError(f"{CONTROLES[nome]} ({nome}) deve ficar entre {minimo} e {maximo} "
                         f"em cada dimensão; recebi {par}.")
    return par


def _matriz(nome, M):
    """Uma matriz 2-D de inteiros pequenos (lista de listas, array do NumPy ou tensor)."""
    if hasattr(M, "tolist"):
        M = M.tolist()
    try:
        linhas = [list(linha) for linha in M]
    except TypeError:
        linhas = []
    if not linhas or not linhas[0] or any(len(l) != len(linhas[0]) for l in linhas):
        raise ValueError(f"{nome} deve ser uma matriz 2-D (lista de linhas do mesmo tamanho), "
                         "por exemplo [[1, 0], [0, 1]].")
    saida = []
    for linha in linhas:
        nova = []
        for v in linha:
            if float(v) != int(float(v)) or abs(int(float(v))) > LIMITE_VALOR:
                raise ValueError(f"{nome} deve ter só inteiros de −{LIMITE_VALOR} a {LIMITE_VALOR} "
                                 f"(o explorador mostra contas curtas); achei {v!r}.")
            nova.append(int(float(v)))
        saida.append(nova)
    return saida


class Explorador:
    """Saída exibível do explorador: o Jupyter mostra ``_repr_html_``."""

    def __init__(self, config):
        self.config = config
        self.id = config["id"]

    def __repr__(self):
        c = self.config
        janela = "núcleo" if c["modo"] == "correlacao" else "janela"
        return (f"Explorador de {_CURTO[c['modo']]}: entrada {c['n'][0]}×{c['n'][1]}, "
                f"{janela} {c['k'][0]}×{c['k'][1]}. Abra num navegador (Jupyter, Colab ou o site "
                "do curso) para usar os controles.")

    def _repr_html_(self):
        return _html(self.config)

    @property
    def html(self):
        return _html(self.config)


def explorador(modo="correlacao", n=(5, 5), k=(3, 3), p=(0, 0), s=(1, 1), d=(1, 1),
               controles=("n", "k", "p", "s", "d"), X=None, K=None, semente=0):
    """Explorador interativo da janela deslizante, para mostrar numa célula.

    modo: ``"correlacao"`` (soma dos produtos com o núcleo), ``"max"`` ou ``"media"``
    (agrupamento); n, k, p, s, d: entrada, núcleo (ou janela), preenchimento, passo e
    dilatação, cada um um inteiro ou um par (altura, largura); controles: quais deles o
    leitor pode mudar (acrescente ``"modo"`` para trocar entre máximo e média);
    X, K: entrada e núcleo iniciais (inteiros pequenos; sem eles, sorteados com
    ``semente``). Com X ou K, n ou k passam a ser a forma deles.
    """
    global _contador
    if modo not in MODOS:
        raise ValueError(f"modo deve ser um de {', '.join(map(repr, MODOS))}; recebi {modo!r}.")
    if isinstance(controles, str):
        controles = (controles,)
    desconhecidos = [c for c in controles if c not in CONTROLES and c != "modo"]
    if desconhecidos:
        raise ValueError(f"controles desconhecidos: {desconhecidos}. Use alguns de "
                         f"{', '.join(map(repr, [*CONTROLES, 'modo']))}.")
    if "modo" in controles and modo == "correlacao":
        raise ValueError('o controle "modo" troca entre máximo e média: use-o com modo="max" ou "media".')
    sorteio = random.Random(semente)
    if X is not None:
        X = _matriz("X (a entrada)", X)
        n = (len(X), len(X[0]))
    if K is not None:
        K = _matriz("K (o núcleo)", K)
        k = (len(K), len(K[0]))
    n, k, p, s, d = (_par(nome, v) for nome, v in zip("nkpsd", (n, k, p, s, d)))
    agrupamento = modo != "correlacao"
    if X is None:
        faixa = (0, 9) if agrupamento else (0, 4)
        X = [[sorteio.randint(*faixa) for _ in range(n[1])] for _ in range(n[0])]
    if K is None:
        K = [[sorteio.randint(-1, 2) for _ in range(k[1])] for _ in range(k[0])]
    _contador += 1
    config = {"modo": modo, "n": n, "k": k, "p": p, "s": s, "d": d,
              "controles": [c for c in ("modo", *CONTROLES) if c in controles],
              "X": X, "K": K, "semente": int(semente), "limites": LIMITES, "limite_valor": LIMITE_VALOR}
    # Id determinístico (a mesma execução gera a mesma saída, que o nbval compara),
    # e diferente para cada explorador do mesmo kernel; o JavaScript ainda troca o id
    # se outro igual já estiver na página (a apostila junta todas as lições numa só).
    resumo = hashlib.sha1(f"{json.dumps(config, sort_keys=True)}#{_contador}".encode()).hexdigest()
    config["id"] = f"cc-exp-{resumo[:10]}"
    return Explorador(config)


# ----------------------------------------------------------------------------- HTML

def _campo_par(pid, nome, titulo, valor, agrupamento):
    minimo, maximo = LIMITES[nome]
    campos = []
    for eixo, (dim, rotulo) in enumerate((("h", "altura"), ("w", "largura"))):
        cid = f"{pid}-{nome}{dim}"
        campos.append(
            f'<span class="cc-campo"><label for="{cid}"><span class="cc-oculto">{titulo}, </span>'
            f'{rotulo}</label> <input id="{cid}" type="number" inputmode="numeric" min="{minimo}" '
            f'max="{maximo}" step="1" value="{valor[eixo]}" data-cc-controle="{nome}" '
            f'data-cc-eixo="{eixo}"></span>')
    simbolo = {"n": "n", "k": "k", "p": "p", "s": "s", "d": "d"}[nome]
    legenda = "Janela" if nome == "k" and agrupamento else titulo
    return (f'<fieldset class="cc-grupo" data-cc-grupo="{nome}"><legend>{legenda} '
            f'(<i>{simbolo}</i>)</legend>{"".join(campos)}</fieldset>')


def _html(config):
    pid = config["id"]
    e = html.escape
    partes = [f'<div class="cc-explorador" id="{pid}" data-cc-explorador="{pid}" role="group" '
              f'aria-labelledby="{pid}-titulo">',
              f'<style>{_CSS}</style>',
              f'<p class="cc-titulo" id="{pid}-titulo"><strong>Explorador: '
              f'<span data-cc="titulo">{e(MODOS[config["modo"]].lower())}</span></strong></p>',
              '<p class="cc-aviso" data-cc="aviso">Se você lê este aviso, o JavaScript do explorador '
              'não rodou: execute a célula (o Jupyter só roda o JavaScript de notebooks confiáveis).</p>',
              '<div class="cc-controles">']
    if "modo" in config["controles"]:
        opcoes = "".join(f'<option value="{m}"{" selected" if m == config["modo"] else ""}>{e(t)}</option>'
                         for m, t in MODOS.items() if m != "correlacao")
        partes.append(f'<span class="cc-campo cc-modo"><label for="{pid}-modo">Operação</label> '
                      f'<select id="{pid}-modo" data-cc-controle="modo">{opcoes}</select></span>')
    for nome in CONTROLES:
        if nome in config["controles"]:
            partes.append(_campo_par(pid, nome, CONTROLES[nome], config[nome], config["modo"] != "correlacao"))
    partes.append('</div>')
    partes.append(
        f'<div class="cc-botoes">'
        f'<button type="button" data-cc-acao="anterior" aria-controls="{pid}-conta">Anterior</button>'
        f'<button type="button" data-cc-acao="proxima" aria-controls="{pid}-conta">Próxima</button>'
        f'<button type="button" data-cc-acao="tocar" aria-pressed="false">Tocar</button>'
        f'<button type="button" data-cc-acao="sortear">Sortear</button></div>')
    partes.append(
        f'<p class="cc-erro" data-cc="erro" role="alert"></p>'
        f'<div class="cc-grades">'
        f'<figure class="cc-bloco"><figcaption data-cc="rotulo-entrada">Entrada</figcaption>'
        f'<div class="cc-rolagem" tabindex="0" aria-label="Entrada (role para os lados se precisar)">'
        f'<table class="cc-grade" data-cc="entrada"></table></div></figure>'
        f'<figure class="cc-bloco" data-cc="bloco-nucleo"><figcaption>Núcleo</figcaption>'
        f'<div class="cc-rolagem"><table class="cc-grade" data-cc="nucleo"></table></div></figure>'
        f'<figure class="cc-bloco"><figcaption>Saída</figcaption>'
        f'<div class="cc-rolagem" tabindex="0" aria-label="Saída (role para os lados se precisar)">'
        f'<table class="cc-grade" data-cc="saida"></table></div></figure></div>')
    partes.append(
        f'<p class="cc-posicao" data-cc="posicao" aria-live="polite"></p>'
        f'<p class="cc-conta" id="{pid}-conta" data-cc="conta"></p>'
        f'<div class="cc-tamanho"><p>Tamanho da saída pela fórmula, '
        f'<span data-cc="formula-geral"></span>:</p><ul>'
        f'<li>altura: <span data-cc="formula-altura"></span></li>'
        f'<li>largura: <span data-cc="formula-largura"></span></li></ul>'
        f'<p>Saída desenhada: <span data-cc="desenhada"></span></p></div>')
    partes.append(
        f'<details class="cc-editar"><summary>Editar a entrada'
        f'{"" if config["modo"] != "correlacao" else " e o núcleo"}</summary>'
        f'<p class="cc-dica" id="{pid}-dica">Uma linha da matriz por linha de texto, inteiros de '
        f'−{LIMITE_VALOR} a {LIMITE_VALOR} separados por espaços.</p>'
        f'<span class="cc-campo cc-bloco-texto"><label for="{pid}-textoX">Entrada</label>'
        f'<textarea id="{pid}-textoX" rows="5" cols="24" spellcheck="false" data-cc="textoX" '
        f'aria-describedby="{pid}-dica"></textarea></span>'
        f'<span class="cc-campo cc-bloco-texto" data-cc="campo-textoK"><label for="{pid}-textoK">Núcleo</label>'
        f'<textarea id="{pid}-textoK" rows="3" cols="16" spellcheck="false" data-cc="textoK" '
        f'aria-describedby="{pid}-dica"></textarea></span>'
        f'<button type="button" data-cc-acao="aplicar">Aplicar</button>'
        f'<p class="cc-erro" data-cc="erro-edicao" role="alert"></p></details>')
    partes.append('</div>')
    dados = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    partes.append(f'<script>{_JS.replace("__CONFIG__", dados)}</script>')
    return "".join(partes)


_CSS = r"""
.cc-explorador{--cc-fundo:#ffffff;--cc-texto:#1f2328;--cc-suave:#59636e;--cc-borda:#8c959f;
--cc-campo:#ffffff;--cc-pad:#e8e8e8;--cc-jan:#9ecae1;--cc-area:#dbeaf5;--cc-said:#fdd0a2;
--cc-erro:#b3261e;--cc-foco:#0b57d0;--cc-botao:#f2f4f7;
box-sizing:border-box;max-width:100%;min-width:0;margin:.5em 0;padding:.75em;
border:1px solid var(--cc-borda);border-radius:.5em;background:var(--cc-fundo);color:var(--cc-texto);
font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;line-height:1.4;
overflow-wrap:anywhere}
html[data-theme="dark"] .cc-explorador,body[data-jp-theme-light="false"] .cc-explorador{
--cc-fundo:#1e2227;--cc-texto:#e6e6e6;--cc-suave:#b0b8c1;--cc-borda:#6e7781;--cc-campo:#14171a;
--cc-pad:#3a3f45;--cc-jan:#1f5f8b;--cc-area:#23384a;--cc-said:#8a4b12;--cc-erro:#ff8a80;
--cc-foco:#8ab4f8;--cc-botao:#2d333b}
@media (prefers-color-scheme:dark){html:not([data-theme="light"]) body:not([data-jp-theme-light="true"]) .cc-explorador{
--cc-fundo:#1e2227;--cc-texto:#e6e6e6;--cc-suave:#b0b8c1;--cc-borda:#6e7781;--cc-campo:#14171a;
--cc-pad:#3a3f45;--cc-jan:#1f5f8b;--cc-area:#23384a;--cc-said:#8a4b12;--cc-erro:#ff8a80;
--cc-foco:#8ab4f8;--cc-botao:#2d333b}}
.cc-explorador *{box-sizing:border-box}
.cc-explorador p{margin:.3em 0}
.cc-explorador .cc-oculto{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.cc-explorador .cc-controles{display:flex;flex-wrap:wrap;gap:.4em .8em;align-items:flex-end}
.cc-explorador .cc-grupo{border:1px solid var(--cc-borda);border-radius:.4em;margin:0;padding:.2em .5em .4em;min-width:0}
.cc-explorador .cc-grupo legend{font-weight:600;font-size:.95em;padding:0 .2em;margin:0;width:auto;float:none}
.cc-explorador .cc-campo{display:inline-flex;align-items:center;gap:.25em;margin-right:.4em}
.cc-explorador label{margin:0;font-weight:normal}
.cc-explorador input,.cc-explorador select,.cc-explorador textarea,.cc-explorador button{
font:inherit;color:var(--cc-texto);background:var(--cc-campo);border:1px solid var(--cc-borda);border-radius:.3em}
.cc-explorador input[type=number]{width:3.4em;padding:.1em .2em}
.cc-explorador select{max-width:100%;padding:.1em}
.cc-explorador textarea{max-width:100%;font-family:ui-monospace,monospace}
.cc-explorador button{background:var(--cc-botao);padding:.3em .8em;cursor:pointer;min-height:2.2em}
.cc-explorador :is(input,select,textarea,button,summary,.cc-rolagem):focus-visible{outline:3px solid var(--cc-foco);outline-offset:2px}
.cc-explorador .cc-botoes{display:flex;flex-wrap:wrap;gap:.4em;margin:.6em 0}
.cc-explorador .cc-grades{display:flex;flex-wrap:wrap;gap:.6em 1.2em;align-items:flex-start}
.cc-explorador figure.cc-bloco{margin:0;padding:0;min-width:0;max-width:100%}
.cc-explorador figure.cc-bloco figcaption{font-size:.9em;color:var(--cc-suave);margin:0 0 .2em;padding:0;text-align:left;font-style:normal}
.cc-explorador .cc-rolagem{max-width:100%;overflow-x:auto;padding:2px}
.cc-explorador table.cc-grade{border-collapse:collapse;margin:0;width:auto;border:0;background:transparent;table-layout:fixed}
.cc-explorador table.cc-grade td{border:1px solid var(--cc-borda);padding:0;min-width:2em;width:2em;height:2em;
text-align:center;vertical-align:middle;font-size:.85em;font-variant-numeric:tabular-nums;background:var(--cc-fundo);color:var(--cc-texto);white-space:nowrap}
.cc-explorador table.cc-grade td.cc-pad{background:var(--cc-pad);color:var(--cc-suave)}
.cc-explorador table.cc-grade td.cc-area{background:var(--cc-area)}
.cc-explorador table.cc-grade td.cc-jan{background:var(--cc-jan);font-weight:700}
.cc-explorador table.cc-grade td.cc-atual{background:var(--cc-said);font-weight:700;outline:2px solid var(--cc-texto);outline-offset:-2px}
.cc-explorador .cc-conta{font-family:ui-monospace,monospace;font-size:.9em}
.cc-explorador .cc-tamanho ul{margin:.1em 0 .3em;padding-left:1.4em}
.cc-explorador .cc-erro{color:var(--cc-erro);font-weight:600}
.cc-explorador .cc-erro:empty{display:none}
.cc-explorador .cc-aviso{color:var(--cc-erro)}
.cc-explorador .cc-editar{margin-top:.5em}
.cc-explorador .cc-editar summary{cursor:pointer}
.cc-explorador .cc-bloco-texto{display:inline-flex;flex-direction:column;align-items:flex-start;margin:.3em .6em .3em 0;max-width:100%}
@media (max-width:480px){.cc-explorador table.cc-grade td{min-width:1.7em;width:1.7em;height:1.7em;font-size:.78em}}
"""

_JS = r"""
(function () {
  "use strict";
  var CFG = __CONFIG__;
  var script = document.currentScript;
  var raiz = null;
  var anterior = script && script.previousElementSibling;
  if (anterior && anterior.getAttribute("data-cc-explorador") === CFG.id) raiz = anterior;
  if (!raiz) {
    var candidatos = document.querySelectorAll('[data-cc-explorador="' + CFG.id + '"]');
    for (var c = 0; c < candidatos.length; c++) {
      if (!candidatos[c].hasAttribute("data-cc-iniciado")) { raiz = candidatos[c]; break; }
    }
  }
  if (!raiz || raiz.hasAttribute("data-cc-iniciado")) return;
  raiz.setAttribute("data-cc-iniciado", "1");
  var registro = window.exploradores = window.exploradores || {};

  // Ids únicos mesmo com duas cópias da mesma saída na página (a apostila junta as lições).
  var id = CFG.id;
  if (registro[id] || document.querySelectorAll('[id="' + id + '"]').length > 1) {
    var novo, sufixo = 2;
    do { novo = id + "-" + sufixo++; } while (registro[novo] || document.getElementById(novo));
    var atributos = ["id", "for", "aria-labelledby", "aria-describedby", "aria-controls"];
    var todos = [raiz].concat(Array.prototype.slice.call(raiz.querySelectorAll("*")));
    todos.forEach(function (el) {
      atributos.forEach(function (a) {
        var v = el.getAttribute(a);
        if (v && v.indexOf(id) >= 0) el.setAttribute(a, v.split(id).join(novo));
      });
    });
    raiz.setAttribute("data-cc-explorador", novo);
    id = novo;
  }

  function q(seletor) { return raiz.querySelector(seletor); }
  var MENOS = "\u2212";
  var MODOS = {correlacao: "correlação cruzada (soma dos produtos)", max: "agrupamento máximo",
               media: "agrupamento médio"};

  // Sorteio com semente (mulberry32): a mesma página sorteia os mesmos números.
  var semente = (CFG.semente >>> 0) + 0x6D2B79F5;
  function aleatorio() {
    semente = (semente + 0x6D2B79F5) >>> 0;
    var t = semente;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  function sortearInteiro(a, b) { return a + Math.floor(aleatorio() * (b - a + 1)); }

  var st = {modo: CFG.modo, n: CFG.n.slice(), k: CFG.k.slice(), p: CFG.p.slice(), s: CFG.s.slice(),
            d: CFG.d.slice(), X: CFG.X.map(function (l) { return l.slice(); }),
            K: CFG.K.map(function (l) { return l.slice(); }), pos: 0};
  var resultado = null, relogio = null;

  function agrupamento() { return st.modo !== "correlacao"; }
  function faixaX() { return agrupamento() ? [0, 9] : [0, 4]; }

  // Mantém os valores que continuam na matriz e sorteia os novos.
  function redimensionar(M, forma, faixa) {
    var R = [];
    for (var i = 0; i < forma[0]; i++) {
      var linha = [];
      for (var j = 0; j < forma[1]; j++) {
        linha.push(i < M.length && j < M[i].length ? M[i][j] : sortearInteiro(faixa[0], faixa[1]));
      }
      R.push(linha);
    }
    return R;
  }

  function fmt(v) {
    if (v === -Infinity) return MENOS + "\u221e";
    var r = Math.round(v * 100) / 100;
    if (Object.is(r, -0)) r = 0;
    var t = String(Math.abs(r)).replace(".", ",");
    return (r < 0 ? MENOS : "") + t;
  }
  function fmtTermo(v) { return v < 0 ? "(" + fmt(v) + ")" : fmt(v); }

  function piso(a, b) { return Math.floor(a / b); }

  function calcular() {
    var n = st.n, k = st.k, p = st.p, s = st.s, d = st.d;
    var formula = [0, 1].map(function (e) { return piso(n[e] + 2 * p[e] - d[e] * (k[e] - 1) - 1, s[e]) + 1; });
    var erro = null;
    if (agrupamento() && (p[0] > piso(k[0], 2) || p[1] > piso(k[1], 2))) {
      erro = "No agrupamento, o PyTorch só aceita preenchimento de até metade da janela (⌊k/2⌋ = " +
        piso(k[0], 2) + " na altura e " + piso(k[1], 2) + " na largura): diminua o preenchimento " +
        "ou aumente a janela.";
    } else if (st.modo === "media" && (d[0] > 1 || d[1] > 1)) {
      erro = "O agrupamento médio do PyTorch (F.avg_pool2d) não tem dilatação: use dilatação 1.";
    } else if (formula[0] < 1 || formula[1] < 1) {
      erro = "A janela (de " + (d[0] * (k[0] - 1) + 1) + "×" + (d[1] * (k[1] - 1) + 1) +
        " posições, com a dilatação) não cabe na entrada preenchida (" + (n[0] + 2 * p[0]) + "×" +
        (n[1] + 2 * p[1]) + "): aumente a entrada ou o preenchimento, ou diminua o núcleo ou a dilatação.";
    }
    var vazio = st.modo === "max" ? -Infinity : 0;
    var Xp = [];
    for (var i = 0; i < n[0] + 2 * p[0]; i++) {
      var linha = [];
      for (var j = 0; j < n[1] + 2 * p[1]; j++) {
        var a = i - p[0], b = j - p[1];
        linha.push(a >= 0 && a < n[0] && b >= 0 && b < n[1] ? st.X[a][b] : vazio);
      }
      Xp.push(linha);
    }
    var m = erro ? [0, 0] : formula;
    var Y = [];
    for (var oi = 0; oi < m[0]; oi++) {
      var lY = [];
      for (var oj = 0; oj < m[1]; oj++) lY.push(valor(Xp, oi, oj).valor);
      Y.push(lY);
    }
    return {formula: formula, erro: erro, Xp: Xp, m: m, Y: Y};
  }

  // Os termos da janela na posição (i, j) da saída e o valor que eles dão.
  function valor(Xp, i, j) {
    var r = i * st.s[0], c = j * st.s[1], termos = [], soma = 0, maximo = -Infinity;
    for (var a = 0; a < st.k[0]; a++) {
      for (var b = 0; b < st.k[1]; b++) {
        var x = Xp[r + a * st.d[0]][c + b * st.d[1]];
        if (st.modo === "correlacao") { soma += x * st.K[a][b]; termos.push([x, st.K[a][b]]); }
        else { soma += x; if (x > maximo) maximo = x; termos.push([x]); }
      }
    }
    var v = st.modo === "correlacao" ? soma : st.modo === "max" ? maximo : soma / (st.k[0] * st.k[1]);
    return {valor: v, termos: termos, linha: r, coluna: c, soma: soma};
  }

  function celula(tr, texto, classe) {
    var td = document.createElement("td");
    td.textContent = texto;
    if (classe) td.className = classe;
    tr.appendChild(td);
    return td;
  }

  function desenharTabela(tabela, linhas, colunas, texto, classe) {
    while (tabela.firstChild) tabela.removeChild(tabela.firstChild);
    var corpo = document.createElement("tbody");
    for (var i = 0; i < linhas; i++) {
      var tr = document.createElement("tr");
      for (var j = 0; j < colunas; j++) celula(tr, texto(i, j), classe(i, j));
      corpo.appendChild(tr);
    }
    tabela.appendChild(corpo);
  }

  function formulaTexto(e) {
    var n = st.n[e], k = st.k[e], p = st.p[e], s = st.s[e], d = st.d[e];
    var temD = CFG.controles.indexOf("d") >= 0 || st.d[0] > 1 || st.d[1] > 1;
    var simples = !temD && CFG.controles.indexOf("p") < 0 && CFG.controles.indexOf("s") < 0 &&
      st.p[0] === 0 && st.p[1] === 0 && st.s[0] === 1 && st.s[1] === 1;
    var v = resultado.formula[e];
    var menos = " " + MENOS + " ";
    if (simples) return n + menos + k + " + 1 = " + fmt(v);
    if (!temD) return "⌊(" + n + " + 2·" + p + menos + k + ")/" + s + "⌋ + 1 = " + fmt(v);
    return "⌊(" + n + " + 2·" + p + menos + d + "·(" + k + menos + "1)" + menos + "1)/" + s + "⌋ + 1 = " + fmt(v);
  }
  function formulaGeral() {
    var temD = CFG.controles.indexOf("d") >= 0 || st.d[0] > 1 || st.d[1] > 1;
    var simples = !temD && CFG.controles.indexOf("p") < 0 && CFG.controles.indexOf("s") < 0 &&
      st.p[0] === 0 && st.p[1] === 0 && st.s[0] === 1 && st.s[1] === 1;
    if (simples) return "n " + MENOS + " k + 1";
    if (!temD) return "⌊(n + 2p " + MENOS + " k)/s⌋ + 1";
    return "⌊(n + 2p " + MENOS + " d(k " + MENOS + " 1) " + MENOS + " 1)/s⌋ + 1";
  }

  function desenhar() {
    resultado = calcular();
    var total = resultado.m[0] * resultado.m[1];
    if (st.pos >= total) st.pos = total ? total - 1 : 0;
    var oi = total ? Math.floor(st.pos / resultado.m[1]) : -1, oj = total ? st.pos % resultado.m[1] : -1;
    var atual = total ? valor(resultado.Xp, oi, oj) : null;
    var usadas = {}, area = null;
    if (atual) {
      for (var a = 0; a < st.k[0]; a++)
        for (var b = 0; b < st.k[1]; b++) usadas[(atual.linha + a * st.d[0]) + "," + (atual.coluna + b * st.d[1])] = 1;
      area = [atual.linha, atual.coluna, st.d[0] * (st.k[0] - 1) + 1, st.d[1] * (st.k[1] - 1) + 1];
    }
    var n = st.n, p = st.p;
    desenharTabela(q('[data-cc="entrada"]'), n[0] + 2 * p[0], n[1] + 2 * p[1],
      function (i, j) { return fmt(resultado.Xp[i][j]); },
      function (i, j) {
        var classes = [];
        var a = i - p[0], b = j - p[1];
        if (!(a >= 0 && a < n[0] && b >= 0 && b < n[1])) classes.push("cc-pad");
        if (usadas[i + "," + j]) classes.push("cc-jan");
        else if (area && i >= area[0] && i < area[0] + area[2] && j >= area[1] && j < area[1] + area[3]) classes.push("cc-area");
        return classes.join(" ");
      });
    desenharTabela(q('[data-cc="nucleo"]'), st.k[0], st.k[1],
      function (i, j) { return fmt(st.K[i][j]); }, function () { return "cc-jan"; });
    q('[data-cc="bloco-nucleo"]').hidden = agrupamento();
    q('[data-cc="campo-textoK"]').hidden = agrupamento();
    desenharTabela(q('[data-cc="saida"]'), resultado.m[0], resultado.m[1],
      function (i, j) { return fmt(resultado.Y[i][j]); },
      function (i, j) { return i === oi && j === oj ? "cc-atual" : ""; });
    q('[data-cc="titulo"]').textContent = MODOS[st.modo];
    q('[data-cc="rotulo-entrada"]').textContent = p[0] || p[1]
      ? (st.modo === "max" ? "Entrada (preenchida com −∞, em cinza)" : "Entrada (preenchida com zeros, em cinza)")
      : "Entrada";
    q('[data-cc="erro"]').textContent = resultado.erro || "";
    var aviso = q('[data-cc="aviso"]');
    if (aviso) aviso.hidden = true;

    var posicao = q('[data-cc="posicao"]'), conta = q('[data-cc="conta"]');
    if (atual) {
      posicao.textContent = "Posição " + (st.pos + 1) + " de " + total + ": linha " + oi + ", coluna " + oj +
        " da saída (a janela começa na linha " + atual.linha + ", coluna " + atual.coluna +
        " da entrada" + (p[0] || p[1] ? " preenchida" : "") + "). Valor: " + fmt(atual.valor) + ".";
      var texto;
      if (st.modo === "correlacao") {
        texto = atual.termos.map(function (t) { return fmtTermo(t[0]) + "×" + fmtTermo(t[1]); }).join(" + ") +
          " = " + fmt(atual.valor);
      } else if (st.modo === "max") {
        texto = "máx(" + atual.termos.map(function (t) { return fmt(t[0]); }).join("; ") + ") = " + fmt(atual.valor);
      } else {
        texto = "(" + atual.termos.map(function (t) { return fmtTermo(t[0]); }).join(" + ") + ") / " +
          atual.termos.length + " = " + fmt(atual.soma) + " / " + atual.termos.length + " ≈ " + fmt(atual.valor) +
          (p[0] || p[1] ? " (os zeros do preenchimento contam na divisão, como no PyTorch)" : "");
      }
      conta.textContent = texto;
    } else {
      posicao.textContent = "Nenhuma posição: a saída está vazia.";
      conta.textContent = "";
    }
    q('[data-cc="formula-geral"]').textContent = formulaGeral();
    q('[data-cc="formula-altura"]').textContent = formulaTexto(0);
    q('[data-cc="formula-largura"]').textContent = formulaTexto(1);
    var tab = q('[data-cc="saida"]');
    var linhas = tab.rows.length, colunas = linhas ? tab.rows[0].cells.length : 0;
    q('[data-cc="desenhada"]').textContent = linhas ? linhas + " × " + colunas : "nenhuma (0 × 0)";
    // Os campos mostram o estado (um valor fora dos limites volta ao último válido ao sair do campo).
    raiz.querySelectorAll("[data-cc-controle]").forEach(function (el) {
      var nome = el.getAttribute("data-cc-controle");
      if (nome === "modo") { el.value = st.modo; return; }
      if (document.activeElement !== el) el.value = st[nome][+el.getAttribute("data-cc-eixo")];
    });
    var tX = q('[data-cc="textoX"]'), tK = q('[data-cc="textoK"]');
    if (document.activeElement !== tX) tX.value = st.X.map(function (l) { return l.join(" "); }).join("\n");
    if (document.activeElement !== tK) tK.value = st.K.map(function (l) { return l.join(" "); }).join("\n");
    raiz.setAttribute("data-estado", JSON.stringify(estado()));
  }

  function estado() {
    return {modo: st.modo, n: st.n, k: st.k, p: st.p, s: st.s, d: st.d, X: st.X, K: st.K,
            posicao: st.pos, formula: resultado.formula, erro: resultado.erro,
            saida: resultado.Y.map(function (l) { return l.map(function (v) { return v === -Infinity ? null : v; }); })};
  }

  function parar() {
    if (relogio) clearInterval(relogio);
    relogio = null;
    var botao = q('[data-cc-acao="tocar"]');
    botao.textContent = "Tocar";
    botao.setAttribute("aria-pressed", "false");
  }
  function andar(passo) {
    var total = resultado.m[0] * resultado.m[1];
    if (!total) return;
    st.pos = (st.pos + passo + total) % total;
    desenhar();
  }
  function tocar() {
    if (relogio) { parar(); return; }
    var total = resultado.m[0] * resultado.m[1];
    if (!total) return;
    if (st.pos >= total - 1) st.pos = 0;
    var botao = q('[data-cc-acao="tocar"]');
    botao.textContent = "Pausar";
    botao.setAttribute("aria-pressed", "true");
    desenhar();
    relogio = setInterval(function () {
      if (!raiz.isConnected) { parar(); return; }
      var t = resultado.m[0] * resultado.m[1];
      if (st.pos >= t - 1) { parar(); return; }
      andar(1);
    }, 900);
  }
  function sortear() {
    var f = faixaX();
    st.X = redimensionar([], st.n, f);
    if (!agrupamento()) st.K = redimensionar([], st.k, [-1, 2]);
    st.pos = 0;
    desenhar();
  }

  function lerMatriz(texto, rotulo, limiteLado) {
    var linhas = texto.split("\n").map(function (l) { return l.trim(); }).filter(function (l) { return l; });
    if (!linhas.length) throw rotulo + ": escreva pelo menos uma linha de números.";
    var M = linhas.map(function (l) {
      return l.split(/[\s;,]+/).map(function (t) {
        var v = Number(t.replace(MENOS, "-"));
        if (!/^[-\u2212]?\d+$/.test(t) || Math.abs(v) > CFG.limite_valor)
          throw rotulo + ": \"" + t + "\" não é um inteiro de −" + CFG.limite_valor + " a " + CFG.limite_valor + ".";
        return v;
      });
    });
    if (M.some(function (l) { return l.length !== M[0].length; }))
      throw rotulo + ": todas as linhas precisam ter a mesma quantidade de números.";
    if (M.length > limiteLado[1] || M[0].length > limiteLado[1])
      throw rotulo + ": no máximo " + limiteLado[1] + " linhas e " + limiteLado[1] + " colunas.";
    return M;
  }
  function aplicar() {
    var saidaErro = q('[data-cc="erro-edicao"]');
    try {
      var X = lerMatriz(q('[data-cc="textoX"]').value, "Entrada", CFG.limites.n);
      var K = agrupamento() ? st.K : lerMatriz(q('[data-cc="textoK"]').value, "Núcleo", CFG.limites.k);
      st.X = X; st.n = [X.length, X[0].length];
      if (!agrupamento()) { st.K = K; st.k = [K.length, K[0].length]; }
      saidaErro.textContent = "";
      st.pos = 0;
      desenhar();
    } catch (e) {
      if (typeof e !== "string") throw e;
      saidaErro.textContent = e;
    }
  }

  function mudarControle(el, final) {
    var nome = el.getAttribute("data-cc-controle");
    if (nome === "modo") { st.modo = el.value; desenhar(); return; }
    var eixo = +el.getAttribute("data-cc-eixo");
    var lim = CFG.limites[nome];
    var v = Number(el.value);
    var valido = el.value !== "" && Number.isInteger(v) && v >= lim[0] && v <= lim[1];
    el.setAttribute("aria-invalid", valido ? "false" : "true");
    if (!valido) {
      if (final) { el.value = st[nome][eixo]; el.setAttribute("aria-invalid", "false"); }
      return;
    }
    if (st[nome][eixo] === v) return;
    st[nome] = st[nome].slice();
    st[nome][eixo] = v;
    if (nome === "n") st.X = redimensionar(st.X, st.n, faixaX());
    if (nome === "k") st.K = redimensionar(st.K, st.k, [-1, 2]);
    desenhar();
  }

  raiz.querySelectorAll("[data-cc-controle]").forEach(function (el) {
    el.addEventListener("input", function () { mudarControle(el, false); });
    el.addEventListener("change", function () { mudarControle(el, true); });
  });
  raiz.querySelectorAll("[data-cc-acao]").forEach(function (el) {
    el.addEventListener("click", function () {
      var acao = el.getAttribute("data-cc-acao");
      if (acao === "anterior") { parar(); andar(-1); }
      else if (acao === "proxima") { parar(); andar(1); }
      else if (acao === "tocar") tocar();
      else if (acao === "sortear") { parar(); sortear(); }
      else if (acao === "aplicar") { parar(); aplicar(); }
    });
  });

  desenhar();
  registro[id] = {raiz: raiz, estado: estado, desenhar: desenhar};
})();
"""
