"""O que os testes do site fazem como uma pessoa, num navegador de verdade.

As medidas (acessibilidade com o axe-core, largura, foco) e as interações
(clicar, tocar, usar o Tab, digitar, buscar) que só os testes usam; abrir o
Chromium, servir o site e registrar as requisições ficam em
``ferramentas/navegador.py``, que a apostila também usa. Cada ``problemas_*`` age
na página e devolve a lista do que deu errado: os testes exigem listas vazias no
livro e cheias nas páginas quebradas de propósito.
"""
import re
from pathlib import Path
from urllib.parse import urlsplit

from ferramentas.navegador import ESPERA_MS, RAIZ, cortes, esperar_mathjax

# O axe-core (npm, package.json; `npm ci` o instala em node_modules/) roda dentro da página.
AXE_JS = RAIZ / "node_modules" / "axe-core" / "axe.min.js"
# O que o axe acusa e os testes não aceitam (os graus "minor" e "moderate" ficam de fora).
IMPACTOS_GRAVES = ("serious", "critical")


def acessibilidade(pagina, texto_curto=False):
    """As violações graves ou críticas que o axe-core acha na página aberta (uma linha cada).

    texto_curto: o contraste também de textos de um ou dois caracteres (os números das grades
    do explorador), que o axe, por padrão, deixa "para revisar" e não acusa.
    """
    if not AXE_JS.is_file():
        raise RuntimeError(f"Não achei o axe-core em {AXE_JS}. Instale as ferramentas dos testes "
                           "com `npm ci` na raiz do repositório (o `make testes` já faz isso).")
    if not pagina.evaluate("() => typeof axe !== 'undefined'"):
        pagina.add_script_tag(path=str(AXE_JS))
    violacoes = pagina.evaluate("""async ([graves, curto]) => {
      const opcoes = {resultTypes: ["violations"]};
      if (curto)  // as opções do axe para o contraste, mais ignoreLength (a troca substitui todas)
        opcoes.checks = {"color-contrast": {options: {...axe._audit.checks["color-contrast"].options, ignoreLength: true}}};
      const r = await axe.run(document, opcoes);
      return r.violations.filter(v => graves.includes(v.impact)).map(v => ({
        id: v.id, impacto: v.impact, ajuda: v.help,
        onde: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""", [list(IMPACTOS_GRAVES), texto_curto])
    return [f"{v['id']} ({v['impacto']}): {v['ajuda']} em {', '.join(v['onde'])}" for v in violacoes]


def inspecionar(pagina):
    """Os fatos da página aberta que os testes conferem."""
    return pagina.evaluate("cursoNavegador.inspecionar()")


def medir_largura(pagina):
    return pagina.evaluate("cursoNavegador.largura()")


# ------------------------------------------------------------------ interações
# Cada verificação age na página como uma pessoa (clica, digita) e devolve a lista
# do que deu errado; test_site.py exige listas vazias no livro e cheias na página
# quebrada de propósito.

ESPERA_INTERACAO_MS = 4_000


# Botão de alternância -> o que ele mostra e esconde (os links do sumário do livro ou da página).
ALTERNANCIAS = {
    "button.primary-toggle": ("a barra lateral (sumário do livro)", ".bd-sidebar-primary nav.bd-docs-nav a"),
    "button.secondary-toggle": ("o sumário da página", ".bd-sidebar-secondary nav a"),
}


def visiveis(pagina, seletor):
    return pagina.evaluate("(s) => cursoNavegador.visiveis(s)", seletor)


def _esperar_visibilidade(pagina, seletor, aparece):
    """Espera (sem pausa fixa) que o seletor apareça ou suma da vista; devolve se aconteceu."""
    condicao = f"(s) => cursoNavegador.visiveis(s) {'>' if aparece else '==='} 0"
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




def problemas_de_transbordo(pagina):
    medida = pagina.evaluate("cursoNavegador.transbordo()")
    return [f"mais largo que a tela de {medida['largura']}px, fora de um contêiner com rolagem: {f}"
            for f in medida["fora"]]


# ------------------------------------------------------------------ teclado, leitor de tela e celular
# Como as de cima: cada uma age na página como uma pessoa e devolve a lista do que deu errado.

PARADAS_DO_TAB = 40  # quantas vezes Tab é apertado (o cabeçalho e o começo do texto)
ALVO_DE_TOQUE_PX = 44


def _retrato(pagina, caixa):
    return pagina.screenshot(clip=caixa, animations="disabled", caret="hide")


def problemas_de_foco(pagina, paradas=PARADAS_DO_TAB):
    """Aperta Tab ``paradas`` vezes: nenhuma fórmula recebe o foco, e o foco sempre se vê.

    "Se vê": a região em volta do controle focado muda de pixels quando ele perde o foco.
    """
    problemas, vistos = [], 0
    pagina.mouse.click(1, 1)  # o foco começa na página, como quem acabou de abri-la
    for _ in range(paradas):
        pagina.keyboard.press("Tab")
        foco = pagina.evaluate_handle("document.activeElement")
        info = pagina.evaluate("""(e) => {
          const r = e.getBoundingClientRect();
          return {tag: e.tagName.toLowerCase(), formula: !!e.closest("mjx-container"),
                  nome: (e.getAttribute("aria-label") || e.title || e.textContent || "").trim().slice(0, 40),
                  x: r.x, y: r.y, w: r.width, h: r.height, corpo: e === document.body};
        }""", foco)
        if info["corpo"]:
            break
        if info["formula"]:
            problemas.append(f"o Tab parou numa fórmula ({info['nome']!r})")
            continue
        largura, altura = pagina.viewport_size["width"], pagina.viewport_size["height"]
        if info["w"] < 1 or info["h"] < 1 or info["y"] < 0 or info["y"] + info["h"] > altura:
            continue
        margem = 8
        caixa = {"x": max(info["x"] - margem, 0), "y": max(info["y"] - margem, 0)}
        caixa["width"] = min(info["w"] + 2 * margem, largura - caixa["x"])
        caixa["height"] = min(info["h"] + 2 * margem, altura - caixa["y"])
        com_foco = _retrato(pagina, caixa)
        pagina.evaluate("(e) => e.blur()", foco)
        sem_foco = _retrato(pagina, caixa)
        pagina.evaluate("(e) => e.focus({focusVisible: true})", foco)
        vistos += 1
        if com_foco == sem_foco:
            problemas.append(f"foco invisível em <{info['tag']}> {info['nome']!r}")
    if not vistos:
        problemas.append("o Tab não chegou a nenhum controle visível")
    return problemas


def ligar_modo_escuro(pagina):
    """Como uma pessoa: toca no botão do tema, no cabeçalho, até o modo escuro; recarrega a página.

    Devolve o que deu errado (o botão não aparece, não chega ao escuro, o escuro não fica
    depois de recarregar a página).
    """
    botao = pagina.locator("button.theme-switch-button:visible").first
    if not botao.count():
        return ["o botão do tema não está visível"]
    for _ in range(3):  # o tema alterna entre claro, escuro e o do sistema
        if pagina.evaluate("document.documentElement.dataset.mode") == "dark":
            break
        botao.click()
    else:
        return ["três toques no botão do tema não chegaram ao modo escuro"]
    pagina.reload(wait_until="load", timeout=ESPERA_MS)
    esperar_mathjax(pagina)
    pagina.wait_for_load_state("networkidle", timeout=ESPERA_MS)
    if pagina.evaluate("document.documentElement.dataset.theme") != "dark":
        return ["o modo escuro não ficou depois de recarregar a página"]
    return []


def problemas_do_modo_escuro(pagina):
    """No modo escuro: o axe (contraste inclusive, até de números de um algarismo), nada passando da
    tela, nada cortado, o explorador com fundo escuro e o selo do Colab sem o filtro que o tema
    põe nas imagens (que o escurecia e lhe dava cantos claros)."""
    largura = pagina.viewport_size["width"]
    problemas = [f"{largura}px: {v}" for v in acessibilidade(pagina, texto_curto=True)]
    medida = medir_largura(pagina)
    problemas += [f"{largura}px: passa da borda: {v}" for v in medida["vazam"]]
    if medida["rolagem"] > medida["largura"]:
        problemas.append(f"{largura}px: rolagem lateral ({medida['rolagem']}px numa tela de {medida['largura']}px)")
    problemas += [f"{largura}px: {p}" for p in problemas_de_transbordo(pagina) + cortes(pagina)]
    fundos = pagina.locator(".cc-explorador").evaluate_all(r"""es => es.map(e => {
        const [r, g, b] = getComputedStyle(e).backgroundColor.match(/\d+/g).map(Number);
        return 0.299 * r + 0.587 * g + 0.114 * b; })""")
    problemas += [f"{largura}px: explorador com fundo claro no modo escuro" for f in fundos if f >= 128]
    selos = pagina.locator(".selo-colab img").evaluate_all("""is => is.map(i => {
        const s = getComputedStyle(i); return [s.filter, s.backgroundColor]; })""")
    problemas += [f"{largura}px: selo do Colab com filtro {f} e fundo {c}" for f, c in selos
                  if f != "none" or c not in ("rgba(0, 0, 0, 0)", "transparent")]
    return problemas


def problemas_de_nomes(pagina):
    """Botões de copiar código com nome para o leitor de tela, e fórmulas fora da ordem do Tab."""
    problemas = []
    # (Os de uma solução fechada não estão na árvore de acessibilidade: não contam.)
    copiar = pagina.locator("button.copybtn").evaluate_all(
        "bs => bs.filter(b => b.checkVisibility({visibilityProperty: true})).length")
    nomeados = pagina.get_by_role("button", name="Copiar o código", exact=True).count()
    if copiar != nomeados:
        problemas.append(f"{copiar - nomeados} de {copiar} botões de copiar sem nome")
    no_tab = pagina.locator("mjx-container[tabindex]:not([tabindex='-1'])").count()
    if no_tab:
        problemas.append(f"{no_tab} fórmulas na ordem do Tab")
    return problemas


def problemas_do_menu_da_pagina(pagina):
    """No celular: toca em "Nesta página", toca numa seção; o menu fecha e a seção aparece."""
    botao = pagina.locator("button.secondary-toggle").filter(visible=True)
    if not botao.count():
        return ["o botão do sumário da página não está visível"]
    botao.first.tap()
    links = pagina.locator("dialog#pst-secondary-sidebar-modal nav a[href^='#']").filter(visible=True)
    try:
        links.first.wait_for(state="visible", timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        return ["tocar no botão não abriu o sumário da página"]
    link = links.nth(min(1, links.count() - 1))
    alvo = link.get_attribute("href")
    link.tap()
    try:
        pagina.wait_for_function("() => !document.querySelector('dialog#pst-secondary-sidebar-modal[open]')",
                                 timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        return [f"depois de tocar em {alvo}, o sumário da página continuou aberto por cima do texto"]
    topo = pagina.evaluate("(id) => document.getElementById(decodeURIComponent(id)).getBoundingClientRect().top",
                           alvo[1:])
    if not 0 <= topo < pagina.viewport_size["height"] / 2:
        return [f"depois do toque, a seção {alvo} não ficou no alto da tela (topo em {topo:.0f}px)"]
    return []


def problemas_do_titulo_da_solucao(pagina, registro):
    """Toca no link do título de uma solução ("Solução para Exercício 4.2"): ela abre, sem erro."""
    titulos = pagina.locator(".solution.dropdown > .admonition-title:has(a)")
    if not titulos.count():
        return ["a página não tem solução com link no título"]
    titulo = titulos.first
    titulo.scroll_into_view_if_needed()
    solucao = titulo.locator("xpath=..")
    corpo = solucao.locator(":scope > :not(.admonition-title)").first
    antes = pagina.url
    erros_antes = len(registro.erros)
    link = titulo.locator("a").first
    if pagina.viewport_size["width"] < 600:  # no celular, um toque
        link.tap()
    else:
        link.click()
    try:
        corpo.wait_for(state="visible", timeout=ESPERA_INTERACAO_MS)
    except Exception:  # noqa: BLE001
        problemas = ["tocar no título da solução não a abriu"]
    else:
        problemas = []
    if pagina.url != antes:
        problemas.append(f"tocar no título da solução levou a outro lugar: {pagina.url}")
    problemas += [f"erro ao tocar no título: {e}" for e in registro.erros[erros_antes:]]
    return problemas


def problemas_do_voltar_ao_topo(pagina):
    """Rola a página para baixo e um pouco para cima (quando o tema mostra "Voltar ao topo"):
    o botão, se aparecer, não pode cobrir nada do texto."""
    problemas = []
    altura = pagina.evaluate("document.documentElement.scrollHeight")
    pagina.mouse.move(pagina.viewport_size["width"] / 2, pagina.viewport_size["height"] / 2)
    for fim in (0.3, 0.55, 0.8):
        pagina.mouse.wheel(0, altura * fim - pagina.evaluate("scrollY"))
        pagina.wait_for_timeout(200)
        pagina.mouse.wheel(0, -250)
        pagina.wait_for_timeout(400)
        cobre = pagina.evaluate("""() => {
          const b = document.getElementById("pst-back-to-top");
          if (!b) return [];
          const r = b.getBoundingClientRect();
          if (r.width < 1 || getComputedStyle(b).display === "none" || getComputedStyle(b).visibility === "hidden") return [];
          const artigo = document.querySelector("article.bd-article");
          const cobertos = new Set();
          for (const [fx, fy] of [[.1, .5], [.5, .5], [.9, .5], [.5, .1], [.5, .9]]) {
            for (const e of document.elementsFromPoint(r.left + fx * r.width, r.top + fy * r.height)) {
              if (b.contains(e) || !artigo || !artigo.contains(e) || e === artigo) continue;
              const texto = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
              if (texto || /^(IMG|svg|MJX-CONTAINER|FIGCAPTION|CANVAS)$/i.test(e.tagName))
                cobertos.add(e.tagName.toLowerCase() + ": " + e.textContent.trim().slice(0, 40));
            }
          }
          return [...cobertos];
        }""")
        problemas += [f"'Voltar ao topo' cobre {c}" for c in cobre]
    return sorted(set(problemas))


def problemas_de_alvos_de_toque(pagina, minimo=ALVO_DE_TOQUE_PX):
    """Os botões e links do cabeçalho visíveis têm pelo menos ``minimo`` px de largura e altura."""
    pequenos = pagina.evaluate("""(minimo) => [...document.querySelectorAll(
        ".bd-header :is(button, a), .bd-header-article :is(button, a), #pst-back-to-top")]
      .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width >= 1 && r.height >= 1 && s.visibility !== "hidden" && r.top < innerHeight
          && (r.width < minimo - 0.5 || r.height < minimo - 0.5); })
      .map(e => { const r = e.getBoundingClientRect();
        return `${e.tagName.toLowerCase()} ${(e.getAttribute("aria-label") || e.title || e.textContent).trim().slice(0, 30)}`
          + ` (${Math.round(r.width)}×${Math.round(r.height)} px)`; })""", minimo)
    return [f"alvo de toque menor que {minimo} px: {p}" for p in pequenos]
