"""A planilha de notas (CSV para o Excel e o LibreOffice em português) e o relatório ``notas.md``.

Planilha: separada por ``;``, em UTF-8 com BOM (os dois a abrem assim, com os
acentos certos, com um clique duplo), uma linha por notebook entregue:

    arquivo; nome; matrícula; situação; Ex. 4.1 media-real; ...; Ex. 4.4 deslocamento (leitura); pontos

- cada exercício tem uma coluna com o nome que o aluno vê (``Ex. 4.2 pilha``:
  o 2º exercício da lição 4, com o número da lição tirado do nome do arquivo
  ``04-...`` e o nome curto tirado do rótulo ``ex-l4-pilha``);
- nos corrigidos automaticamente, o estado (``correto``, ``errado``, ``sem
  resposta``, ``erro`` ou ``tempo esgotado``); nos corrigidos por leitura
  (``(leitura)`` no nome), nada: é o instrutor quem preenche, lendo as
  respostas reunidas em ``notas.md``;
- ``pontos``: a soma dos pontos dos automáticos, pela tabela ``PONTOS``
  (mude-a aqui, ou passe outra a ``corrigir(..., pontos=...)``); some a ela,
  à mão, os pontos dos exercícios por leitura.

Uma pasta com notebooks de mais de uma lição dá uma planilha por lição
(``notas-04-agrupamento.csv``...), e um aviso, no terminal e no relatório, com os
notebooks que não são da lição da maioria.
"""
import re
from collections import Counter
from pathlib import Path

#: Pontos de cada estado de um exercício corrigido automaticamente.
PONTOS = {"correto": 1, "errado": 0, "sem resposta": 0, "erro": 0, "tempo esgotado": 0}


def numero_na_licao(ex, todos):
    """``"4.2"``: o número da lição (do nome do arquivo) e a posição do exercício nela, a partir de 1."""
    licao = int(re.match(r"\d+", ex.licao)[0])
    daqui = [e for e in todos if e.licao == ex.licao]
    return f"{licao}.{daqui.index(ex) + 1}"


def coluna(ex, todos):
    """O nome da coluna de um exercício: ``Ex. 4.2 pilha`` (``(leitura)`` nos corrigidos lendo)."""
    curto = re.sub(r"^ex-l\d+-", "", ex.rotulo) if ex.rotulo else ""
    nome = f"Ex. {numero_na_licao(ex, todos)} {curto}".strip()
    return nome if ex.automatico else f"{nome} (leitura)"


def _numero(valor):
    texto = f"{valor:g}"
    return texto.replace(".", ",")


def _celula(texto):
    texto = str(texto).replace("\r", " ").replace("\n", " ")
    if texto[:1] in ("=", "+", "-", "@"):  # nada vira fórmula na planilha
        texto = "'" + texto
    if any(c in texto for c in ';"'):
        texto = '"' + texto.replace('"', '""') + '"'
    return texto


def csv_texto(linhas):
    return "\ufeff" + "".join(";".join(_celula(c) for c in linha) + "\r\n" for linha in linhas)


def tabela(entregas, licao, todos, pontos=None):
    """As linhas (cabeçalho primeiro) da planilha de uma lição."""
    pontos = pontos or PONTOS
    exercicios = [e for e in todos if e.licao == licao]
    automaticos = [e for e in exercicios if e.automatico]
    linhas = [["arquivo", "nome", "matrícula", "situação"] + [coluna(e, todos) for e in exercicios]
              + [f"pontos (automáticos, de {_numero(len(automaticos) * max(pontos.values()))})"]]
    for en in entregas:
        linha = [en.arquivo, en.nome, en.matricula, en.situacao]
        linha += [en.estados.get(e.rotulo, "") if e.automatico else "" for e in exercicios]
        soma = sum(pontos.get(en.estados.get(e.rotulo), 0) for e in automaticos)
        linha.append(_numero(soma) if en.estados else "")
        linhas.append(linha)
    return linhas


def gravar(pasta, entregas, todos, titulos, config, pontos=None, mostrar=print):
    """Grava a(s) planilha(s) e ``notas.md`` em ``pasta`` (cada arquivo trocado de uma vez)."""
    from correcao.corrigir import gravar_atomico

    pasta = Path(pasta)
    contagem = Counter(e.licao for e in entregas if e.licao)
    principal = contagem.most_common(1)[0][0] if contagem else ""
    licoes = [l for l in titulos if l in contagem] or [principal]
    avisos = []
    if len(licoes) > 1:
        outras = [e.arquivo for e in entregas if e.licao and e.licao != principal]
        avisos.append(f"Atenção: a maioria dos notebooks é da lição {principal}, mas estes são de outra lição "
                      f"(uma planilha para cada lição): {', '.join(outras)}.")
    for aviso in avisos:
        mostrar(aviso)
    for licao in licoes:
        daqui = [e for e in entregas if e.licao == licao or (not e.licao and licao == principal)]
        nome = "notas.csv" if len(licoes) == 1 else f"notas-{licao}.csv"
        gravar_atomico(pasta / nome, csv_texto(tabela(daqui, licao, todos, pontos)))
    for velho in pasta.glob("notas*.csv"):  # planilhas de uma rodada anterior com outras lições
        if velho.name not in (["notas.csv"] if len(licoes) == 1 else [f"notas-{l}.csv" for l in licoes]):
            velho.unlink()
    gravar_atomico(pasta / "notas.md", relatorio(entregas, todos, titulos, config, avisos, pontos or PONTOS))
    mostrar(f"Notas gravadas em {pasta} ({', '.join('notas.csv' if len(licoes) == 1 else f'notas-{l}.csv' for l in licoes)} "
            "e notas.md).")


def relatorio(entregas, todos, titulos, config, avisos, pontos):
    por_rotulo = {e.rotulo: e for e in todos}
    linhas = ["# Notas", ""]
    if config["isolar"]:
        linhas.append("Cada notebook rodou isolado numa caixa do bubblewrap (sem rede, sem ver o disco do "
                      "corretor nem as outras entregas), no modo rápido, ")
    else:
        linhas.append("**SEM ISOLAMENTO** (`--sem-isolamento`): os notebooks rodaram com o usuário do corretor e "
                      "puderam ler e mudar os seus arquivos; só use estas notas se confia nas entregas. Modo rápido, ")
    linhas[-1] += (f"com limite de {config['limite']} s por notebook e {config['limite_celula']} s por célula. "
                   "Pontos por estado: " + ", ".join(f"{k} = {v}" for k, v in pontos.items()) + ".")
    linhas.append("")
    linhas += [f"> {a}" for a in avisos] + ([""] if avisos else [])
    suspeitas = [e for e in entregas if e.suspeitas]
    if suspeitas:
        linhas += ["## Leia estas entregas", "",
                   "O código destas entregas mexe em nomes de que precisaria para mudar o próprio resultado "
                   "(verificadores, `RESULTADOS`, `sys.modules`...). Leia-as antes de aceitar as notas:", ""]
        for e in suspeitas:
            linhas.append(f"- **{e.arquivo}**: " + "; ".join(f"`{s}`" if "linha" in s else s for s in e.suspeitas[:8]))
        linhas.append("")
    for en in entregas:
        ident = " — ".join(x for x in (en.nome, en.matricula) if x) or "(sem nome na célula de identificação)"
        linhas += [f"## {en.arquivo}", "", f"- Aluno: {ident}",
                   f"- Lição: {titulos.get(en.licao, 'não reconhecida')}", f"- Situação: {en.situacao}",
                   f"- Tempo: {en.segundos:.0f} s"]
        if en.acrescentadas:
            linhas.append(f"- Células acrescentadas pelo aluno (rodaram no lugar em que estão): {en.acrescentadas}")
        linhas.append("")
        if en.estados:
            linhas += ["| exercício | resultado | mensagem do verificador |", "| --- | --- | --- |"]
            for rotulo, estado in en.estados.items():
                msg = en.mensagens.get(rotulo, "").replace("|", "\\|").replace("\n", "<br>")
                linhas.append(f"| {coluna(por_rotulo[rotulo], todos)} | {estado} | {msg} |")
            linhas.append("")
    leitura = [e for e in todos if not e.automatico and any(en.licao == e.licao for en in entregas)]
    if leitura:
        linhas += ["## Respostas escritas, lado a lado", "",
                   "Os critérios de correção estão na página *Para instrutores*.", ""]
        for ex in leitura:
            linhas += [f"### {coluna(ex, todos)}", ""]
            for en in entregas:
                if en.licao == ex.licao:
                    texto = (en.escritas.get(ex.rotulo) or "").strip() or "*(em branco)*"
                    ident = en.nome or en.arquivo
                    linhas += [f"**{ident}** (`{en.arquivo}`):", ""] + [f"> {l}" for l in texto.split("\n")] + [""]
    return "\n".join(linhas)
