"""O livro montado num navegador de verdade: ajudantes dos testes do site (``tests/test_site.py``).

O Chromium do Debian, guiado pelo Playwright, abre o site servido só em
127.0.0.1; toda requisição para fora é bloqueada e anotada, porque o livro tem
de funcionar sem rede. O que a apostila também usa (servir a pasta, abrir o
Chromium, registrar as requisições, esperar o MathJax) vem de
``ferramentas/apostila.py``; aqui ficam só as inspeções e as interações dos testes.
"""
import re
from pathlib import Path
from urllib.parse import urlsplit

from ferramentas.apostila import (  # noqa: F401 - reexportados para os testes
    CHROMIUM, ESPERA_MS, Registro, abrir_chromium, e_local, esperar_mathjax, servir)


# Inspeção feita dentro da página, depois do MathJax: fórmulas, imagens, links, títulos, texto.
_INSPECAO = r"""
() => {
  const artigo = document.querySelector("article.bd-article") || document.body;
  const formulas = [...document.querySelectorAll("span.math, div.math")];
  const semCodigo = artigo.cloneNode(true);
  semCodigo.querySelectorAll("pre, code, mjx-container, script, style, .highlight").forEach(e => e.remove());
  const tex = semCodigo.textContent.match(/\\[()\[\]]|\$\$|\\[A-Za-z]{2,}/g) || [];
  const imagens = [...document.images].map(img => ({
    src: img.currentSrc || img.src, alt: (img.getAttribute("alt") || "").trim(),
    carregada: img.complete && img.naturalWidth > 0}));
  const links = [...document.querySelectorAll("a[href]")].map(a => a.href);
  const titulos = [...artigo.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .map(h => ({nivel: +h.tagName[1], texto: h.textContent.replace(/[#¶]\s*$/, "").trim()}));
  // A interface: tudo fora do texto da página, mais os botões que o tema põe dentro dele.
  const daInterface = e => !artigo.contains(e) || e.closest(".copybtn, .toggle-button, a.headerlink");
  const atributos = [];
  for (const e of document.querySelectorAll("[title], [aria-label], [placeholder], [alt], [data-tooltip]")) {
    if (!daInterface(e)) continue;
    for (const nome of ["title", "aria-label", "placeholder", "alt", "data-tooltip"]) {
      const v = e.getAttribute(nome);
      if (v) atributos.push(v);
    }
  }
  return {
    lang: document.documentElement.lang,
    titulo: document.title,
    formulas: formulas.length,
    compostas: formulas.filter(f => f.querySelector("mjx-container")).length,
    erros_tex: document.querySelectorAll("mjx-merror, [data-mjx-error]").length,
    tex_cru: tex,
    imagens, links, titulos, atributos,
    texto_interface: document.body.innerText.replace(artigo.innerText, " "),
  };
}
"""

# Na largura de um celular, nada pode passar da borda direita (rolagem lateral).
_LARGURA = r"""
() => {
  const largura = document.documentElement.clientWidth;
  const vazam = [];
  for (const e of document.querySelectorAll("article.bd-article p, article.bd-article li, article.bd-article h1, article.bd-article h2, article.bd-article h3, article.bd-article table, article.bd-article img")) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.right > largura + 1 || r.left < -1)) vazam.push(`${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 60)}`);
  }
  return {largura, rolagem: document.documentElement.scrollWidth, vazam};
}
"""


def inspecionar(pagina):
    """Os fatos da página aberta que os testes conferem."""
    return pagina.evaluate(_INSPECAO)


def medir_largura(pagina):
    return pagina.evaluate(_LARGURA)


# ------------------------------------------------------------------ interações
# Cada verificação age na página como uma pessoa (clica, digita) e devolve a lista
# do que deu errado; test_site.py exige listas vazias no livro e cheias na página
# quebrada de propósito.

ESPERA_INTERACAO_MS = 4_000

# Quantos elementos do seletor uma pessoa vê de fato: dentro da janela e não cobertos por outro.
_VISIVEIS = r"""
(seletor) => [...document.querySelectorAll(seletor)].filter(e => {
  const r = e.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  const x = r.left + Math.min(r.width / 2, 12), y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
  const topo = document.elementFromPoint(x, y);
  return !!topo && (e.contains(topo) || topo.contains(e));
}).length
"""

# Botão de alternância -> o que ele mostra e esconde (os links do sumário do livro ou da página).
ALTERNANCIAS = {
    "button.primary-toggle": ("a barra lateral (sumário do livro)", ".bd-sidebar-primary nav.bd-docs-nav a"),
    "button.secondary-toggle": ("o sumário da página", ".bd-sidebar-secondary nav a"),
}


def visiveis(pagina, seletor):
    return pagina.evaluate(_VISIVEIS, seletor)


def _esperar_visibilidade(pagina, seletor, aparece):
    """Espera (sem pausa fixa) que o seletor apareça ou suma da vista; devolve se aconteceu."""
    condicao = f"(s) => ({_VISIVEIS})(s) {'>' if aparece else '==='} 0"
    try:
        pagina.wait_for_function(condicao, arg=seletor, timeout=ESPERA_INTERACAO_MS)
        return True
    except Exception:  # noqa: BLE001 - o tempo acabou: a interface não respondeu
        return False


def problemas_de_alternancia(pagina):
    """Clica em cada botão ☰ / sumário visível: o que ele controla tem de abrir e depois fechar.

    Fecha como quem lê: clicando de novo no botão ou, se a gaveta o cobre, tocando fora dela.
    """
    problemas, testados = [], 0
    largura = pagina.viewport_size["width"]
    for seletor, (nome, alvo) in ALTERNANCIAS.items():
        botoes = pagina.locator(seletor)
        for i in range(botoes.count()):
            if not visiveis(pagina, f":is({seletor})") or not botoes.nth(i).is_visible():
                continue
            testados += 1
            botao = botoes.nth(i)
            aberto = visiveis(pagina, alvo) > 0
            acao = "fechar" if aberto else "abrir"
            botao.click()
            if not _esperar_visibilidade(pagina, alvo, not aberto):
                problemas.append(f"{largura}px: clicar em {seletor} não fez {acao} {nome}")
                continue
            if visiveis(pagina, seletor):
                pagina.locator(seletor).filter(visible=True).first.click()
            else:  # a gaveta cobre o botão: toca-se fora dela, do outro lado da tela
                x = largura - 8 if "primary" in seletor else 8
                pagina.mouse.click(x, pagina.viewport_size["height"] // 2)
            if not _esperar_visibilidade(pagina, alvo, aberto):
                problemas.append(f"{largura}px: depois de {acao}, {nome} não voltou ao que era")
    if not testados:
        problemas.append(f"{largura}px: nenhum botão de alternância visível")
    return problemas


def problemas_de_solucao(pagina):
    """Abre e fecha a primeira solução da página, clicando no título dela."""
    solucoes = pagina.locator(".solution.dropdown")
    if not solucoes.count():
        return ["a página não tem solução para abrir"]
    solucao = solucoes.first
    solucao.scroll_into_view_if_needed()
    conteudo = ".solution.dropdown >> nth=0"
    corpo = pagina.locator(f"{conteudo} >> :is(section, p:not(.admonition-title))").first
    if corpo.is_visible():
        return ["a solução já aparece aberta, antes do clique"]
    # O botão de abrir (a seta à direita do título); sem ele, o próprio título.
    botao = solucao.locator("button.toggle-button")
    alvo = botao.first if botao.count() else solucao.locator(".admonition-title").first
    alvo.click()
    try:
        corpo.wait_for(state="visible", timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        return ["clicar no título da solução não a abriu"]
    alvo.click()
    try:
        corpo.wait_for(state="hidden", timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        return ["clicar de novo no título da solução não a fechou"]
    return []


_TEX_CRU = r"\\[()\[\]]|\$\$|\\[A-Za-z]{2,}"


def problemas_de_busca(pagina, palavra, esperadas):
    """Abre a busca pelo botão visível, digita ``palavra`` e confere os resultados.

    ``esperadas``: os caminhos (sem ``.html``) que têm de aparecer. Os trechos
    mostrados não podem ter TeX cru.
    """
    botoes = pagina.locator("button.search-button__button, button.search-button, button.search-button-field")
    visivel = [botoes.nth(i) for i in range(botoes.count()) if botoes.nth(i).is_visible()]
    if not visivel:
        return ["nenhum botão de busca visível"]
    visivel[0].click()
    campo = pagina.locator("input[name=q]").filter(visible=True)
    try:
        campo.first.wait_for(state="visible", timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        return ["o botão de busca não abriu o campo de busca"]
    campo.first.fill(palavra)
    campo.first.press("Enter")
    resumo = pagina.locator("#search-results p.search-summary")
    try:
        resumo.wait_for(state="visible", timeout=ESPERA_MS)
        pagina.wait_for_function("() => !document.querySelector('#search-results ul.search li:not(:has(p.context))') "
                                 "|| document.querySelectorAll('#search-results ul.search li').length === 0",
                                 timeout=ESPERA_MS)
    except Exception:  # noqa: BLE001
        return [f"a busca por {palavra!r} não mostrou resultados"]
    hrefs = pagina.locator("#search-results ul.search li > a").evaluate_all("els => els.map(a => a.href)")
    achadas = {urlsplit(h).path.lstrip("/").removesuffix(".html") for h in hrefs}
    problemas = [f"a busca por {palavra!r} não achou {p}" for p in esperadas if p not in achadas]
    for trecho in pagina.locator("#search-results p.context").all_inner_texts():
        cru = re.findall(_TEX_CRU, trecho)
        if cru:
            problemas.append(f"TeX cru no trecho da busca: {cru} em {trecho[:80]!r}")
    return problemas


def _cabe(pagina, seletor):
    return pagina.evaluate("""(s) => { const e = document.querySelector(s); if (!e) return true;
      const W = document.documentElement.clientWidth;
      return [e, ...e.querySelectorAll("*")].every(x => { const r = x.getBoundingClientRect();
        return !r.width || (r.left >= -1 && r.right <= W + 1); }); }""", seletor)


def problemas_da_cadeia(pagina, endereco, paginas):
    """Segue "Próximo" da primeira à última página e "Anterior" de volta, clicando nos links.

    ``paginas``: os caminhos (sem ``.html``) na ordem do sumário. Os links têm de
    caber na janela (título e seta), e a última não tem "Próximo".
    """
    problemas = []
    largura = pagina.viewport_size["width"]
    for direcao, ordem, seletor in (("próximo", paginas, "a.right-next"),
                                    ("anterior", paginas[::-1], "a.left-prev")):
        pagina.goto(endereco + ordem[0] + ".html", wait_until="load", timeout=ESPERA_MS)
        vistas = [ordem[0]]
        for _ in range(len(ordem) + 2):
            link = pagina.locator(seletor)
            if not link.count():
                break
            link.first.scroll_into_view_if_needed()
            if not _cabe(pagina, seletor):
                problemas.append(f"{largura}px: o link {direcao!r} de {vistas[-1]} passa da borda da tela")
            link.first.click()
            pagina.wait_for_load_state("load")
            vistas.append(urlsplit(pagina.url).path.lstrip("/").removesuffix(".html"))
        if vistas != list(ordem):
            problemas.append(f"{largura}px: seguindo {direcao!r}, a ordem foi {vistas}, e não {list(ordem)}")
    return problemas


def problemas_do_colab(pagina, config, raiz, licao):
    """Abre o menu de lançamento e confere o link do Colab.

    O link tem de ir ao Colab, no repositório e versão (etiqueta ou ramo) do ``_config.yml``, e a um
    notebook desta lição que existe no repositório (``lessons/`` ou
    ``edicoes/colab/``).
    """
    botao = pagina.locator(".dropdown-launch-buttons > button")
    if not botao.count() or not botao.first.is_visible():
        return ["o botão do menu de lançamento não está visível"]
    botao.first.click()
    colab = pagina.locator(".dropdown-launch-buttons a", has_text="Colab")
    try:
        colab.first.wait_for(state="visible", timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        return ["o menu de lançamento não abriu (ou não tem o Colab)"]
    href = colab.first.get_attribute("href") or ""
    repo = urlsplit(config["repository"]["url"]).path.strip("/")
    # A versão publicada: a etiqueta, se houver, senão o ramo (como ferramentas.repositorio.versao).
    versao = config["repository"].get("etiqueta") or config["repository"].get("branch", "main")
    prefixo = f"{config['launch_buttons']['colab_url'].rstrip('/')}/github/{repo}/blob/{versao}/"
    if not href.startswith(prefixo):
        return [f"o link do Colab não começa por {prefixo}: {href}"]
    caminho = href[len(prefixo):]
    nome = Path(licao).name
    problemas = []
    if caminho not in (f"lessons/{nome}.ipynb", f"edicoes/colab/{nome}.ipynb"):
        problemas.append(f"o link do Colab leva a {caminho}, e não ao notebook da lição {nome}")
    if not (Path(raiz) / caminho).is_file():
        problemas.append(f"o notebook do link do Colab não existe no repositório: {caminho}")
    return problemas


# Na largura de um celular: nenhum elemento da coluna principal passa da janela,
# a não ser dentro de um contêiner com rolagem (que, ele sim, cabe na janela).
_TRANSBORDO = r"""
() => {
  const W = document.documentElement.clientWidth;
  const coluna = document.querySelector(".bd-article-container") || document.querySelector("article") || document.body;
  const rola = e => /(auto|scroll)/.test(getComputedStyle(e).overflowX);
  const fora = [];
  for (const e of coluna.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width < 1 || (r.right <= W + 1 && r.left >= -1)) continue;
    let pai = e.parentElement, contido = false;
    while (pai && pai !== coluna.parentElement) {
      const rp = pai.getBoundingClientRect();
      if (rola(pai) && rp.right <= W + 1 && rp.left >= -1) { contido = true; break; }
      pai = pai.parentElement;
    }
    if (contido) continue;
    if (fora.some(f => f.el.contains(e))) continue;
    const nome = e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
    fora.push({el: e, texto: `${nome} (${Math.round(r.left)}–${Math.round(r.right)}px): ${(e.textContent || "").trim().slice(0, 50)}`});
  }
  return {largura: W, fora: fora.map(f => f.texto)};
}
"""


def problemas_de_transbordo(pagina):
    medida = pagina.evaluate(_TRANSBORDO)
    return [f"mais largo que a tela de {medida['largura']}px, fora de um contêiner com rolagem: {f}"
            for f in medida["fora"]]
